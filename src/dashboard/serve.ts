import type { App } from '../app.ts';
import { HttpServer } from '../http/server.ts';
import type { StaffMember } from '../staff/staff.ts';
import { startDashboard } from './start.ts';

/** The name of the admin `npm run dashboard` signs in, who has no chat account. */
export const LOCAL_ADMIN = 'local admin';

/**
 * `npm run dashboard`: the dashboard alone on HTTP_PORT, over whatever stores are configured
 * (the embedded ones when nothing is), with a sign-in link for a local admin printed, so that a
 * newcomer can look at responses made in the terminal. Serves until SIGINT or SIGTERM.
 */
export async function serveDashboard(app: App, out: (line: string) => void): Promise<number> {
  const http = new HttpServer(app.log);
  await http.listen(app.config.HTTP_PORT, app.config.HTTP_HOST);
  const dashboard = await startDashboard(app, http);
  const admin = await localAdmin(app);
  out(`Staff dashboard at ${dashboard.url} (${app.stores.description})`);
  out(`Sign in as the local admin with this link (it works once, within 10 minutes):`);
  out(await app.signInLinks.issue(admin, 'cli'));
  out('Another link: npm run staff -- login-link ' + admin.id + '. Stop with Ctrl-C.');
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await http.close();
  await dashboard.close();
  return 0;
}

/** The stored admin without a chat account that a previous run made, or a new one. */
async function localAdmin(app: App): Promise<StaffMember> {
  const found = (await app.directory.list()).find(
    (m) =>
      !m.fromEnvironment &&
      m.status === 'active' &&
      m.role === 'admin' &&
      m.principals.length === 0 &&
      m.name === LOCAL_ADMIN,
  );
  return (
    found ?? app.directory.add('cli', { name: LOCAL_ADMIN, role: 'admin', principals: [], locale: 'en' })
  );
}
