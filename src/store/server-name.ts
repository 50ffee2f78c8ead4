/**
 * A server address fit for logs and the start-up line: scheme, hosts and database only. User
 * names, passwords and query options (which may hold key passwords) are dropped.
 */
export function serverName(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^@/?#]*@)?([^/?#]*)(\/[^?#]*)?/i.exec(url);
  if (!match) return '(unparsable address)';
  return `${match[1]}${match[2]}${match[3] && match[3] !== '/' ? match[3] : ''}`;
}
