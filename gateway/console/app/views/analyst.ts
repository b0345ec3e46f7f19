import { run } from '../api';
import { codeLabel, errorBanners, type Ctx } from '../context';
import { fill, h, uid } from '../dom';
import { format } from '../strings';
import { trendChart, type YearEnd } from '../trendChart';

interface Cell {
  key: Array<{ dimension: string; code: string; label: string }>;
  count: number | null;
  share: number | null;
  suppressed: boolean;
}

interface Table {
  total: number;
  authority: string;
  population: string;
  asOf: string;
  cells: Cell[];
  disclosureControl: { threshold: number; suppressedCells: number; method: string; maxPerturbation: number };
  trend: YearEnd[];
}

/** The dimensions offered, each named with a label the API already has. */
const DIMENSIONS = ['STATUS_OF_RESIDENCE', 'NATIONALITY', 'PREFECTURE', 'SEX', 'AGE_BAND', 'CARD_ARRANGEMENT'] as const;
type Dimension = (typeof DIMENSIONS)[number];
const FILTER_FIELDS: Record<Dimension, string> = {
  STATUS_OF_RESIDENCE: 'statusOfResidence',
  NATIONALITY: 'nationality',
  PREFECTURE: 'prefecture',
  SEX: 'sex',
  AGE_BAND: 'ageBand',
  CARD_ARRANGEMENT: 'cardArrangement',
};

function dimensionName(ctx: Ctx, d: Dimension): string {
  switch (d) {
    case 'STATUS_OF_RESIDENCE':
      return codeLabel(ctx, 'CardItem', 'STATUS_OF_RESIDENCE');
    case 'NATIONALITY':
      return codeLabel(ctx, 'CardItem', 'NATIONALITY_REGION');
    case 'SEX':
      return codeLabel(ctx, 'CardItem', 'SEX');
    case 'PREFECTURE':
      return ctx.t.prefecture;
    case 'AGE_BAND':
      return ctx.t.ageBand;
    case 'CARD_ARRANGEMENT':
      return ctx.t.arrangement;
  }
}

let chosen: Dimension[] = ['STATUS_OF_RESIDENCE'];
let filter: { dimension: Dimension; code: string } | undefined;

/** Forgets the last table asked for (on sign-out). */
export function forgetAnalystTable(): void {
  chosen = ['STATUS_OF_RESIDENCE'];
  filter = undefined;
}

/**
 * Statistics for analysts: dimensions and a filter, a table, a bar chart, the disclosure-control note, a CSV, and
 * the filter's total at each year end as a line.
 */
export function analystView(root: HTMLElement, ctx: Ctx): void {
  const { t } = ctx;
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const boxes = DIMENSIONS.map((d) => {
    const id = uid('dim');
    const box = h('input', { type: 'checkbox', id, value: d, checked: chosen.includes(d) });
    return { d, box, el: h('span', { class: 'check' }, box, h('label', { for: id }, dimensionName(ctx, d))) };
  });
  const filterDimId = uid('fdim');
  const filterCodeId = uid('fcode');
  const filterDim = h('select', { id: filterDimId }, h('option', { value: '' }, '—'), DIMENSIONS.map((d) => h('option', { value: d, selected: filter?.dimension === d }, dimensionName(ctx, d))));
  const filterCode = h('input', { id: filterCodeId, value: filter?.code ?? '', autocomplete: 'off', placeholder: '13' });
  const form = h(
    'form',
    { class: 'panel', onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('fieldset', {}, h('legend', {}, t.dimensions), boxes.map((b) => b.el)),
    h('fieldset', {}, h('legend', {}, t.filter), h('label', { for: filterDimId }, t.dimensions), filterDim, h('label', { for: filterCodeId }, 'code'), filterCode),
    h('button', { type: 'submit' }, t.show),
  );
  fill(root, h('h2', {}, t.analyst), form, result);

  async function submit(): Promise<void> {
    chosen = boxes.filter((b) => b.box.checked).map((b) => b.d);
    filter = filterDim.value && filterCode.value.trim() ? { dimension: filterDim.value as Dimension, code: filterCode.value.trim() } : undefined;
    await show();
  }

  async function show(): Promise<void> {
    if (chosen.length === 0) return fill(result);
    const variables: Record<string, unknown> = { groupBy: chosen, language: ctx.language };
    if (filter) variables.filter = { [FILTER_FIELDS[filter.dimension]]: filter.code };
    const answer = await run<{ foreignResidentStatistics: Table }>(ctx.session, ctx.language, 'AnalystForeignResidentStatistics', variables);
    const table = answer.data?.foreignResidentStatistics;
    fill(result, errorBanners(answer.errors), table ? render(table) : null);
  }

  function render(table: Table): HTMLElement[] {
    const dc = table.disclosureControl;
    const max = Math.max(1, ...table.cells.map((c) => c.count ?? 0));
    const name = (c: Cell) => c.key.map((k) => k.label).join(' / ');
    const csv = [
      [...chosen.map((d) => dimensionName(ctx, d)), t.count].map(csvField).join(','),
      ...table.cells.map((c) => [...c.key.map((k) => k.label), c.suppressed ? t.suppressed : String(c.count)].map(csvField).join(',')),
    ].join('\r\n');
    return [
      h('p', { class: 'note' }, format(t.disclosure, { threshold: dc.threshold, max: dc.maxPerturbation, method: dc.method, suppressed: dc.suppressedCells })),
      h('p', {}, `${t.total}: ${table.total.toLocaleString(ctx.language)} (${table.authority}, ${table.asOf})`),
      h('button', { type: 'button', onclick: () => download(csv) }, t.downloadCsv),
      h('div', { class: 'chart', 'aria-hidden': 'true' },
        table.cells.map((c) => {
          const bar = h('span', { class: c.suppressed ? 'bar bar-suppressed' : 'bar' });
          bar.style.width = `${c.suppressed ? 0 : ((c.count ?? 0) / max) * 100}%`;
          return h('div', { class: 'chart-row' }, h('span', { class: 'chart-label' }, name(c)), h('span', { class: 'chart-track' }, bar), h('span', { class: 'chart-value' }, c.suppressed ? t.suppressed : String(c.count)));
        })),
      h('table', { class: 'stats' },
        h('caption', {}, t.analyst),
        h('thead', {}, h('tr', {}, chosen.map((d) => h('th', { scope: 'col' }, dimensionName(ctx, d))), h('th', { scope: 'col' }, t.count))),
        h('tbody', {}, table.cells.map((c) => h('tr', {}, c.key.map((k) => h('td', {}, k.label)), h('td', { class: 'num' }, c.suppressed ? t.suppressed : String(c.count)))))),
      trendChart(ctx, table.trend),
    ];
  }

  if (chosen.length) void show();
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function download(csv: string): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }));
  const a = h('a', { href: url, download: 'statistics.csv' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
