/** Where a token is used: Telegram's deep link, and the Discord command that takes it. */
export interface InvitationLinks {
  token: string;
  telegram?: string;
  discord: string;
}

/** The links of a token; the Telegram link needs the bot's username (without the @). */
export function linksFor(token: string, telegramBot: string | undefined): InvitationLinks {
  return {
    token,
    ...(telegramBot ? { telegram: `https://t.me/${telegramBot.replace(/^@/, '')}?start=${token}` } : {}),
    discord: `/survey start code:${token}`,
  };
}

/** A QR code of the text, as an SVG document (scales for print). */
export async function qrSvg(text: string): Promise<string> {
  const QRCode = await qrcode();
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** A QR code of the text, as a PNG image (for e-mail and chat). */
export async function qrPng(text: string, width = 320): Promise<Buffer> {
  const QRCode = await qrcode();
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width });
}

/** Loaded when a code is first drawn: the bot process seldom draws one. */
async function qrcode() {
  return (await import('qrcode')).default;
}
