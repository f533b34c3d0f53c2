/**
 * chart.js for the Analytics tab: only the controllers, elements and scales its charts use are
 * registered (the rest stays out of the bundle), no animation (figures appear at once and
 * motion-sensitive readers are spared), a white background painted under every chart so an
 * exported PNG reads on any viewer, and the Okabe–Ito palette, which stays distinct for the
 * common colour-vision deficiencies. Machine series are also dashed or hatched-light, so they
 * never differ from the people series by colour alone.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Title,
  Tooltip,
  type ChartConfiguration,
  type Plugin
} from 'chart.js';

/** Okabe & Ito (2008), "Color Universal Design". */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  sky: '#56B4E9',
  purple: '#CC79A7',
  yellow: '#F0E442',
  black: '#000000'
} as const;

/** The series colours in order, for charts with one series per thing (segments). */
export const SERIES = [
  PALETTE.blue,
  PALETTE.orange,
  PALETTE.green,
  PALETTE.vermillion,
  PALETTE.purple,
  PALETTE.sky,
  PALETTE.black,
  PALETTE.yellow
];

/** A colour with transparency, for the lighter machine bars. */
export function light(hex: string, alpha = 0.35): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

const whiteBackground: Plugin = {
  id: 'sliceWhiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  }
};

// Chart.register is idempotent: registering on each draw keeps no state of our own.
function register(): void {
  Chart.register(
    BarController,
    BarElement,
    LineController,
    LineElement,
    PointElement,
    CategoryScale,
    LinearScale,
    Legend,
    Title,
    Tooltip,
    whiteBackground
  );
  Chart.defaults.animation = false;
  Chart.defaults.font.family =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
  Chart.defaults.color = '#1c2330';
  Chart.defaults.maintainAspectRatio = false;
}

/** A chart's numbers as a table: the first column names the row. */
export interface ChartTable {
  headers: string[];
  rows: (string | number)[][];
}

export type SliceChartConfig = ChartConfiguration<'bar' | 'line'>;

/** Draws `config` on `canvas`; the caller destroys the chart when it goes. */
export function drawChart(
  canvas: HTMLCanvasElement,
  config: SliceChartConfig
): Chart<'bar' | 'line'> {
  register();
  return new Chart(canvas, config);
}
