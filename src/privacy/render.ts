import type { Translate } from '../i18n/translator.ts';
import type { ContactRecord } from '../store/response-store.ts';
import type { Erased, PersonalData } from './personal-data.ts';

/** The lines an erasure adds beyond session, responses and contacts (each channel words those). */
export function erasedItems(result: Erased, t: Translate): string[] {
  const lines: string[] = [];
  if (result.addresses > 0)
    lines.push(t({ key: 'common:privacy.erased.addresses', params: { count: result.addresses } }));
  for (const { name, count } of result.more) {
    if (count === 0) continue;
    const what = t({ key: `common:privacy.holder.${name}` });
    lines.push(t({ key: 'common:privacy.erased.more', params: { what, count } }));
  }
  return lines;
}

/** /my_data as a readable message: what is kept, item by item; the JSON file holds every answer. */
export function myDataLines(data: PersonalData, t: Translate): string[] {
  const items: string[] = [];
  if (data.session) {
    const count = Object.keys(data.session.answers).length;
    items.push(t({ key: 'common:privacy.my_data.session', params: { count } }));
  }
  if (data.responses.length > 0)
    items.push(t({ key: 'common:privacy.my_data.responses', params: { count: data.responses.length } }));
  for (const contact of data.contacts as ContactRecord[]) {
    const how = contact.viaChat ? t({ key: 'common:privacy.my_data.via_chat' }) : (contact.email ?? '');
    items.push(t({ key: 'common:privacy.my_data.contact', params: { name: contact.name, how } }));
  }
  if (data.addresses.length > 0)
    items.push(t({ key: 'common:privacy.my_data.addresses', params: { count: data.addresses.length } }));
  for (const [name, records] of Object.entries(data.more)) {
    if (records.length === 0) continue;
    const what = t({ key: `common:privacy.holder.${name}` });
    items.push(t({ key: 'common:privacy.my_data.more', params: { what, count: records.length } }));
  }
  return items;
}

/** Whether anything at all is kept. */
export const holdsAnything = (data: PersonalData): boolean =>
  data.session !== null ||
  data.responses.length + data.contacts.length + data.addresses.length > 0 ||
  Object.values(data.more).some((r) => r.length > 0);

/** The JSON file: exactly what the stores returned, with dates as ISO text. */
export function myDataJson(data: PersonalData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
