import * as echarts from 'echarts';

const FONT = '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

/** An ECharts option drawn on the server as an SVG string, without animation, for a page to print. */
function svg(option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Horizontal bars, one per label, longest first as given. */
export function barChart(title: string, labels: string[], values: number[]): string {
  return svg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: [{ type: 'bar', data: values, itemStyle: { color: '#c0392b' }, label: { show: true, position: 'right' } }],
    },
    640,
    Math.max(160, 60 + labels.length * 26),
  );
}

/** Horizontal bars, one per label, each stacked from the given series in their colours. */
export function stackedBarChart(title: string, labels: string[], series: { name: string; color: string; values: number[] }[]): string {
  return svg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      legend: { top: 24 },
      grid: { left: 8, right: 24, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: labels, inverse: true },
      series: series.map(({ name, color, values }) => ({ type: 'bar', stack: 'total', name, data: values, itemStyle: { color } })),
    },
    640,
    Math.max(180, 80 + labels.length * 26),
  );
}

/** Lines over the given months, one per series in its colour (a legend when there are several). */
export function lineChart(title: string, labels: string[], series: { name: string; color: string; values: number[] }[]): string {
  const legend = series.length > 1;
  return svg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      ...(legend && { legend: { top: 24 } }),
      grid: { left: 8, right: 24, top: legend ? 56 : 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: series.map(({ name, color, values }) => ({ type: 'line', name, data: values, itemStyle: { color }, label: { show: true } })),
    },
    640,
    legend ? 280 : 260,
  );
}
