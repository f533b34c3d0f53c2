/**
 * From the dashboard the worker computed to what each chart draws: its chart.js
 * configuration, the same numbers as a table (shown beside it and exported as CSV), and a
 * sentence saying what it shows. Nothing is counted here; only shaped.
 */
import type { Dashboard } from '$lib/engine/analytics-api';
import { formatCount, formatRate } from '$lib/ui/common/format';
import { light, PALETTE, SERIES, type ChartTable, type SliceChartConfig } from './chart-setup';

export interface ChartView {
  config: SliceChartConfig;
  table: ChartTable;
  summary: string;
  /** Why there is nothing to draw, or null. */
  empty: string | null;
}

// Rates read the same on the Analytics tab and the Emailings list.
export { formatRate } from '$lib/ui/common/format';

/** A count axis: titled, from zero, whole numbers only. */
function axis(title: string, stacked = false) {
  return {
    title: { display: true, text: title },
    stacked,
    beginAtZero: true,
    ticks: { precision: 0 }
  };
}

function legend(display = true) {
  return { legend: { display, position: 'bottom' as const } };
}

export function timelineChart(d: Dashboard): ChartView {
  const t = d.timeline;
  const zone = d.timeZone;
  const sum = (k: 'sent' | 'openedHuman' | 'clickedHuman') => t.reduce((n, b) => n + b[k], 0);
  return {
    empty: t.length === 0 ? 'No sends, opens or clicks in this range.' : null,
    summary: `${formatCount(sum('sent'))} sends, ${formatCount(sum('openedHuman'))} opens and ${formatCount(sum('clickedHuman'))} clicks by people, per hour for 48 hours after the first send, then per day (${zone}).`,
    config: {
      type: 'bar',
      data: {
        labels: t.map((b) => b.label),
        datasets: [
          {
            type: 'bar',
            label: 'Sends',
            data: t.map((b) => b.sent),
            backgroundColor: light(PALETTE.sky, 0.7),
            yAxisID: 'y',
            order: 3
          },
          {
            type: 'line',
            label: 'Opens (people)',
            data: t.map((b) => b.openedHuman),
            borderColor: PALETTE.blue,
            backgroundColor: PALETTE.blue,
            pointRadius: 2,
            borderWidth: 2,
            order: 1
          },
          {
            type: 'line',
            label: 'Opens (machines)',
            data: t.map((b) => b.openedMachine),
            borderColor: PALETTE.blue,
            backgroundColor: PALETTE.blue,
            borderDash: [5, 4],
            pointRadius: 2,
            borderWidth: 1.5,
            order: 1
          },
          {
            type: 'line',
            label: 'Clicks (people)',
            data: t.map((b) => b.clickedHuman),
            borderColor: PALETTE.vermillion,
            backgroundColor: PALETTE.vermillion,
            pointRadius: 2,
            borderWidth: 2,
            order: 0
          },
          {
            type: 'line',
            label: 'Clicks (machines)',
            data: t.map((b) => b.clickedMachine),
            borderColor: PALETTE.vermillion,
            backgroundColor: PALETTE.vermillion,
            borderDash: [5, 4],
            pointRadius: 2,
            borderWidth: 1.5,
            order: 0
          }
        ]
      },
      options: {
        plugins: { ...legend(), tooltip: { mode: 'index', intersect: false } },
        scales: {
          x: {
            title: { display: true, text: `Hour, then day (${zone})` },
            ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 12 }
          },
          y: axis('Events')
        }
      }
    },
    table: {
      headers: [
        'Period',
        'Sends',
        'Opens (people)',
        'Opens (machines)',
        'Clicks (people)',
        'Clicks (machines)'
      ],
      rows: t
        .filter(
          (b) => b.sent + b.openedHuman + b.openedMachine + b.clickedHuman + b.clickedMachine > 0
        )
        .map((b) => [
          b.hourly ? b.label : `${b.label} (day)`,
          b.sent,
          b.openedHuman,
          b.openedMachine,
          b.clickedHuman,
          b.clickedMachine
        ])
    }
  };
}

export function funnelChart(d: Dashboard): ChartView {
  const f = d.funnel;
  const first = f[0]?.count ?? 0;
  return {
    empty: f.every((s) => s.count === 0) ? 'Nothing sent yet.' : null,
    summary: f.map((s) => `${s.label} ${formatCount(s.count)}`).join(', ') + '.',
    config: {
      type: 'bar',
      data: {
        labels: f.map((s) => s.label),
        datasets: [
          {
            label: 'Messages',
            data: f.map((s) => s.count),
            backgroundColor: [
              PALETTE.sky,
              PALETTE.blue,
              PALETTE.green,
              PALETTE.orange,
              PALETTE.vermillion
            ].slice(-f.length)
          }
        ]
      },
      options: {
        indexAxis: 'y',
        plugins: legend(false),
        scales: { x: axis('Messages'), y: { title: { display: true, text: 'Stage' } } }
      }
    },
    table: {
      headers: ['Stage', 'Messages', `Share of ${f[0]?.label.toLowerCase() ?? 'first stage'}`],
      rows: f.map((s) => [s.label, s.count, formatRate(first === 0 ? null : s.count / first)])
    }
  };
}

export function bounceChart(d: Dashboard): ChartView {
  const r = d.bounceReasons;
  const short = (s: string) => (s.length > 48 ? `${s.slice(0, 47)}…` : s);
  return {
    empty: r.length === 0 ? 'No bounces.' : null,
    summary: `${formatCount(d.figures.bounced_hard)} hard and ${formatCount(d.figures.bounced_soft)} soft bounces, by the reason the receiving server gave.`,
    config: {
      type: 'bar',
      data: {
        labels: r.map((b) => short(b.reason)),
        datasets: [
          {
            label: 'Hard (permanent)',
            data: r.map((b) => (b.bounce === 'hard' ? b.messages : 0)),
            backgroundColor: PALETTE.vermillion
          },
          {
            label: 'Soft (temporary)',
            data: r.map((b) => (b.bounce === 'soft' ? b.messages : 0)),
            backgroundColor: PALETTE.orange
          }
        ]
      },
      options: {
        indexAxis: 'y',
        plugins: legend(),
        scales: {
          x: axis('Messages', true),
          y: { stacked: true, title: { display: true, text: 'Reason' } }
        }
      }
    },
    table: {
      headers: ['Reason', 'Class', 'Messages'],
      rows: r.map((b) => [b.reason, b.bounce, b.messages])
    }
  };
}

export function linksChart(d: Dashboard): ChartView {
  const l = d.links;
  const short = (s: string) => {
    const t = s.replace(/^https?:\/\//, '');
    return t.length > 44 ? `${t.slice(0, 43)}…` : t;
  };
  return {
    empty: l.length === 0 ? 'No clicks on links yet.' : null,
    summary: `The ${l.length} most clicked links, clicks by people and by link scanners apart.`,
    config: {
      type: 'bar',
      data: {
        labels: l.map((x) => short(x.url)),
        datasets: [
          { label: 'Clicks (people)', data: l.map((x) => x.human), backgroundColor: PALETTE.blue },
          {
            label: 'Clicks (machines)',
            data: l.map((x) => x.machine),
            backgroundColor: light(PALETTE.blue)
          }
        ]
      },
      options: {
        indexAxis: 'y',
        plugins: legend(),
        scales: {
          x: axis('Clicks', true),
          y: { stacked: true, title: { display: true, text: 'Link' } }
        }
      }
    },
    table: {
      headers: ['Link', 'People (messages)', 'Clicks (people)', 'Clicks (machines)'],
      rows: l.map((x) => [x.url, x.uniqueHuman, x.human, x.machine])
    }
  };
}

export function gapChart(d: Dashboard): ChartView {
  const g = d.gap;
  const rows: [string, number][] = [
    ['Sent (accepted by the relay)', g.sent],
    ...g.reasons.map((r): [string, number] => [r.label, r.count])
  ];
  return {
    empty: g.contacts === 0 ? 'No emailing has chosen its recipients yet.' : null,
    summary: `${formatCount(g.contacts)} contacts in the targets, ${formatCount(g.sent)} messages sent; the rest: ${g.reasons.map((r) => `${r.label.toLowerCase()} ${formatCount(r.count)}`).join(', ') || 'none'}.`,
    config: {
      type: 'bar',
      data: {
        labels: rows.map((r) => r[0]),
        datasets: [
          {
            label: 'Contacts',
            data: rows.map((r) => r[1]),
            backgroundColor: rows.map((_, i) => (i === 0 ? PALETTE.green : PALETTE.orange))
          }
        ]
      },
      options: {
        indexAxis: 'y',
        plugins: legend(false),
        scales: { x: axis('Contacts'), y: { title: { display: true, text: 'Outcome' } } }
      }
    },
    table: {
      headers: ['Outcome', 'Contacts'],
      rows: [['Contacts in the targets', g.contacts], ...rows]
    }
  };
}

export function segmentsChart(d: Dashboard, dateTime: (iso: string) => string): ChartView {
  const s = d.segments.filter((x) => x.history.length > 0);
  const rows = s.flatMap((x) =>
    x.history.map((p) => [x.name, dateTime(p.at), p.size] as (string | number)[])
  );
  return {
    empty:
      s.length === 0
        ? 'No segment generated in this range. Generate one on the Segments tab: each generation is recorded here.'
        : null,
    summary: `Size of ${s.length} segments at each generation.`,
    config: {
      type: 'line',
      data: {
        datasets: s.map((x, i) => ({
          label: x.name,
          data: x.history.map((p) => ({ x: Date.parse(p.at), y: p.size })),
          borderColor: SERIES[i % SERIES.length],
          backgroundColor: SERIES[i % SERIES.length],
          pointRadius: 3,
          pointStyle: (['circle', 'rect', 'triangle', 'rectRot', 'star', 'cross'] as const)[i % 6],
          stepped: 'before' as const
        }))
      },
      options: {
        parsing: false,
        plugins: {
          ...legend(),
          tooltip: {
            callbacks: {
              title: (items) =>
                items[0] ? dateTime(new Date(items[0].parsed.x ?? 0).toISOString()) : ''
            }
          }
        },
        scales: {
          x: {
            type: 'linear',
            title: { display: true, text: `Generated at (${d.timeZone})` },
            ticks: {
              maxTicksLimit: 6,
              callback: (v) => dateTime(new Date(Number(v)).toISOString())
            }
          },
          y: axis('Members')
        }
      }
    },
    table: { headers: ['Segment', 'Generated at', 'Members'], rows }
  };
}

export function participationsChart(d: Dashboard): ChartView {
  const p = d.participations;
  const total = p.reduce((n, x) => n + x.count, 0);
  return {
    empty:
      p.length === 0
        ? 'No events of type “participation” in this range. Import them on the Import tab.'
        : null,
    summary: `${formatCount(total)} participations over ${p.length} days (${d.timeZone}).`,
    config: {
      type: 'bar',
      data: {
        labels: p.map((x) => x.label),
        datasets: [
          { label: 'Participations', data: p.map((x) => x.count), backgroundColor: PALETTE.green }
        ]
      },
      options: {
        plugins: legend(false),
        scales: {
          x: { title: { display: true, text: `Day (${d.timeZone})` } },
          y: axis('Participations')
        }
      }
    },
    table: { headers: ['Day', 'Participations'], rows: p.map((x) => [x.label, x.count]) }
  };
}
