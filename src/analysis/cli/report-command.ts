import { parseArgs } from 'node:util';
import { REPORT_FORMATS, runReport, type ReportFormat } from '../run-report.ts';
import { checkLanguage, fileSink, openForAnalysis, UsageError } from './shared.ts';

export const REPORT_USAGE = `npm run report -- [options]
  --flow <id>           the flow (default: FLOW)
  --campaign <name>     only respondents invited by this campaign
  --where <name=value>  only respondents matching, e.g. q3=RU, q3!=RU, region=150,019 (repeatable)
  --by <name>           split every table: region, subregion, arab, language, channel, campaign,
                        coordinator, a question (q1, q2a, q3...) or one answer against the rest (q3=RU)
  --cross <a,b>         cross-tabulate two of the above, e.g. q2a,q9a (repeatable)
  --lang <code>         labels in en, ru, ar, es or fr (default en)
  --format <f>          html (default), md or json
  --out <file>          write there instead of standard output
  --no-texts            leave out the listing of typed answers`;

/** `npm run report`: the tables of the 2013 report and more, from the stored responses. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      flow: { type: 'string' },
      campaign: { type: 'string' },
      where: { type: 'string', multiple: true },
      by: { type: 'string' },
      cross: { type: 'string', multiple: true },
      lang: { type: 'string', default: 'en' },
      format: { type: 'string', default: 'html' },
      out: { type: 'string' },
      'no-texts': { type: 'boolean', default: false },
    },
  });
  if (!REPORT_FORMATS.includes(values.format as ReportFormat)) {
    throw new UsageError(`--format ${values.format}: use ${REPORT_FORMATS.join(', ')}`);
  }
  const opened = await openForAnalysis(values.flow);
  if (!opened) return 1;
  try {
    const lang = checkLanguage(opened.flow, values.lang);
    const out = fileSink(values.out);
    const report = await runReport(
      opened.stores,
      opened.flow,
      opened.translator,
      {
        ...(values.campaign ? { campaign: values.campaign } : {}),
        where: values.where ?? [],
        ...(values.by ? { by: values.by } : {}),
        cross: values.cross ?? [],
        lang,
        format: values.format as ReportFormat,
        texts: !values['no-texts'],
        generatedAt: new Date(),
      },
      out.write,
    );
    await out.done();
    if (values.out) {
      console.error(
        `${values.out}: ${report.respondents} respondents (${report.records} stored responses read)`,
      );
    }
    return 0;
  } finally {
    await opened.close();
  }
}
