import type { Component } from './discord-api.ts';

/**
 * Discord's checks on a message body, as the stand-in applies them: 2000 characters of content,
 * at most 5 action rows of at most 5 buttons or exactly one select, custom_ids of at most 100
 * characters and unique in the message, labels of at most 80 (buttons) or 100 (options), 1 to 25
 * options per select with unique values, and min/max values within the options.
 * Returns Discord's error body, or null when the body is fine.
 */
export function checkMessageBody(
  body: Record<string, unknown>,
): { code: number; message: string; errors: string[] } | null {
  const errors: string[] = [];
  const content = body.content;
  if (content !== undefined && content !== null && String(content).length > 2000) {
    errors.push(`content: must be 2000 or fewer in length (${String(content).length})`);
  }
  const rows = (body.components as Component[] | undefined) ?? [];
  if (rows.length > 5) errors.push(`components: must be 5 or fewer in length (${rows.length})`);
  const ids = new Set<string>();
  rows.forEach((row, r) => {
    if (row.type !== 1) errors.push(`components.${r}: not an action row`);
    const parts = row.components ?? [];
    const selects = parts.filter((c) => c.type === 3);
    if (parts.length === 0) errors.push(`components.${r}: an action row needs components`);
    if (selects.length > 0 && parts.length > 1)
      errors.push(`components.${r}: a select must be alone in its row`);
    if (parts.length > 5) errors.push(`components.${r}: must be 5 or fewer in length`);
    parts.forEach((c, i) => {
      const where = `components.${r}.components.${i}`;
      if (c.custom_id !== undefined) {
        if (c.custom_id.length > 100 || c.custom_id.length === 0)
          errors.push(`${where}.custom_id: 1 to 100 characters`);
        if (ids.has(c.custom_id)) errors.push(`${where}.custom_id: duplicate in message`);
        ids.add(c.custom_id);
      }
      if (c.type === 2 && (c.label ?? '').length > 80)
        errors.push(`${where}.label: must be 80 or fewer in length`);
      if (c.type === 3) {
        const options = c.options ?? [];
        if (options.length < 1 || options.length > 25) errors.push(`${where}.options: 1 to 25 options`);
        if (new Set(options.map((o) => o.value)).size !== options.length)
          errors.push(`${where}.options: duplicate values`);
        for (const o of options) {
          if (!o.label || o.label.length > 100) errors.push(`${where}.options.label: 1 to 100 characters`);
          if (!o.value || o.value.length > 100) errors.push(`${where}.options.value: 1 to 100 characters`);
        }
        const min = c.min_values ?? 1;
        const max = c.max_values ?? 1;
        if (min > max || max > options.length || max > 25)
          errors.push(`${where}: min_values/max_values out of range`);
        if ((c.placeholder ?? '').length > 150)
          errors.push(`${where}.placeholder: must be 150 or fewer in length`);
      }
    });
  });
  const empty = (content === undefined || content === '' || content === null) && rows.length === 0;
  if ('content' in body && 'components' in body && empty) errors.push('Cannot send an empty message');
  return errors.length ? { code: 50035, message: 'Invalid Form Body', errors } : null;
}
