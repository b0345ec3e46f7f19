import type { Ctx } from './context';
import { h } from './dom';

/** A year end of a statistics answer: the filter's total then, null when it was suppressed. */
export interface YearEnd {
  year: number;
  takenOn: string;
  total: number | null;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 480;
const HEIGHT = 200;
/** Room for the value labels above, the year labels below, and half a label at each side. */
const PAD = { top: 24, bottom: 28, side: 40 };

function svg(tag: string, attrs: Record<string, string | number>, ...children: Array<Node | string>): SVGElement {
  const el = document.createElementNS(SVG, tag) as SVGElement;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

/**
 * The total at each year end as a line, drawn here as SVG (presentation attributes only: the CSP refuses style
 * attributes), from zero so the slope is not exaggerated; a suppressed year breaks the line and says so. A note
 * instead when no year end is on record yet.
 */
export function trendChart(ctx: Ctx, trend: readonly YearEnd[]): HTMLElement {
  const { t } = ctx;
  if (trend.length === 0) return h('p', { class: 'note trend-none' }, t.trendNone);
  const value = (n: number) => n.toLocaleString(ctx.language);
  const max = Math.max(1, ...trend.map((y) => y.total ?? 0));
  const x = (i: number) => (trend.length === 1 ? WIDTH / 2 : PAD.side + (i * (WIDTH - 2 * PAD.side)) / (trend.length - 1));
  const y = (total: number) => PAD.top + (1 - total / max) * (HEIGHT - PAD.top - PAD.bottom);
  const baseline = HEIGHT - PAD.bottom;

  // One polyline per run of published years: a suppressed year is a gap, not a drop to zero.
  const runs: string[][] = [[]];
  trend.forEach((year, i) => {
    if (year.total === null) runs.push([]);
    else runs[runs.length - 1]!.push(`${x(i)},${y(year.total)}`);
  });
  const summary = trend.map((year) => `${year.year}: ${year.total === null ? t.suppressed : value(year.total)}`).join(', ');
  return h(
    'figure',
    { class: 'trend-figure' },
    h('figcaption', {}, t.trend),
    svg(
      'svg',
      { class: 'trend', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${t.trend}: ${summary}` },
      svg('line', { class: 'trend-axis', x1: 0, x2: WIDTH, y1: baseline, y2: baseline }),
      ...runs.filter((run) => run.length > 1).map((run) => svg('polyline', { class: 'trend-line', points: run.join(' ') })),
      ...trend.flatMap((year, i) => [
        svg('text', { class: 'trend-year', x: x(i), y: HEIGHT - 8, 'text-anchor': 'middle' }, String(year.year)),
        ...(year.total === null
          ? [svg('text', { class: 'trend-value trend-suppressed', x: x(i), y: baseline - 6, 'text-anchor': 'middle' }, t.suppressed)]
          : [
              svg('circle', { class: 'trend-point', cx: x(i), cy: y(year.total), r: 4 }, svg('title', {}, `${year.year} (${year.takenOn}): ${value(year.total)}`)),
              svg('text', { class: 'trend-value', x: x(i), y: y(year.total) - 8, 'text-anchor': 'middle' }, value(year.total)),
            ]),
      ]),
    ),
  );
}
