import { createCanvas } from '@napi-rs/canvas';
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  BubbleController,
  SubTitle,
  Title,
  type ChartConfiguration,
  type ChartItem,
  type Plugin,
} from 'chart.js';
import { BoxAndWiskers, BoxPlotController } from '@sgratzl/chartjs-chart-boxplot';
import { FONT_FAMILY, ensureFonts } from './fonts.js';
import { writePng } from './write-png.js';

export const DEFAULT_WIDTH = 1600;
export const DEFAULT_HEIGHT = 1000;

export interface RenderOptions {
  width?: number;
  height?: number;
  /** Called with the laid-out chart before it is destroyed (tests read element geometry from it). */
  inspect?: (chart: Chart) => void;
}

let setUp = false;

function setUpChartJs(): void {
  if (setUp) return;
  ensureFonts();
  // Only what the study's charts use: smaller registry, and a missing piece fails loudly.
  Chart.register(
    LineController, ScatterController, BubbleController, BoxPlotController,
    LineElement, PointElement, BoxAndWiskers,
    CategoryScale, LinearScale, LogarithmicScale,
    Legend, Title, SubTitle,
  );
  Chart.defaults.font.family = FONT_FAMILY;
  Chart.defaults.font.size = 20;
  Chart.defaults.color = '#222';
  setUp = true;
}

/** Chart.js leaves the canvas transparent; PNG viewers then show black or checkerboard behind the axes. */
const whiteBackground: Plugin = {
  id: 'pipeWhiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Renders a Chart.js configuration to a PNG file (atomically written) and returns its path. */
export async function renderChart(
  config: ChartConfiguration<any, any, any>,
  file: string,
  options: RenderOptions = {},
): Promise<string> {
  setUpChartJs();
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const chart = new Chart(ctx as unknown as ChartItem, {
    ...config,
    options: { ...config.options, animation: false, responsive: false, maintainAspectRatio: false, devicePixelRatio: 1 },
    plugins: [...(config.plugins ?? []), whiteBackground],
  });
  try {
    options.inspect?.(chart);
    // Before destroy(): Chart.js clears the canvas when it is destroyed.
    return await writePng(canvas, file);
  } finally {
    chart.destroy();
  }
}
