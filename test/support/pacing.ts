/** One call as a platform's log shows it: to which chat, and when it arrived (ms). */
export interface LoggedSend {
  chat: string | number;
  at: number;
}

export interface Pacing {
  /** The most calls any window of one second (half-open, [t, t + 1000)) holds, all chats together. */
  busiestSecond: number;
  /** The shortest time between two calls to one chat (ms); Infinity when no chat got two. */
  closestInChat: number;
}

/** Reads the pacing off a platform's log: what Telegram would count against its limits. */
export function pacingOf(sends: readonly LoggedSend[]): Pacing {
  const times = sends.map((s) => s.at).sort((a, b) => a - b);
  let busiestSecond = 0;
  for (let first = 0, last = 0; first < times.length; first++) {
    while (last < times.length && times[last]! < times[first]! + 1000) last++;
    busiestSecond = Math.max(busiestSecond, last - first);
  }
  const lastAt = new Map<string, number>();
  let closestInChat = Infinity;
  for (const send of [...sends].sort((a, b) => a.at - b.at)) {
    const chat = String(send.chat);
    const before = lastAt.get(chat);
    if (before !== undefined) closestInChat = Math.min(closestInChat, send.at - before);
    lastAt.set(chat, send.at);
  }
  return { busiestSecond, closestInChat };
}
