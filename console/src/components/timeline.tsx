import type { Marker, Segment, Series } from '../timeline-data.ts';

/**
 * The entity's timeline: lanes of bands (quality, status) and markers over one shared time axis. A numeric lane
 * (`series`, e.g. read rate) draws on the same axis, so a drop can be seen next to its cause; none is passed
 * until the read API serves engagement metrics. SVG, so every segment is an element with a text alternative.
 */
export interface Lane {
  readonly label: string;
  /** Which attribute's values colour the segments (`quality` or `status`). */
  readonly kind: 'quality' | 'status';
  readonly segments: readonly Segment[];
}

interface Props {
  readonly window: readonly [number, number];
  readonly lanes: readonly Lane[];
  readonly markers: readonly Marker[];
  readonly series?: readonly Series[];
  readonly title: string;
}

const WIDTH = 1000;
const LEFT = 90;
const RIGHT = 10;
const LANE_HEIGHT = 34;
const SERIES_HEIGHT = 80;
const AXIS_HEIGHT = 26;
const MARKER_HEIGHT = 18;

const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const utc = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`;

export function Timeline({ window: [from, to], lanes, markers, series = [], title }: Props) {
  const span = Math.max(1, to - from);
  const x = (time: number) =>
    LEFT + ((Math.min(Math.max(time, from), to) - from) / span) * (WIDTH - LEFT - RIGHT);
  const lanesTop = MARKER_HEIGHT;
  const seriesTop = lanesTop + lanes.length * LANE_HEIGHT;
  const axisTop = seriesTop + series.length * SERIES_HEIGHT;
  const height = axisTop + AXIS_HEIGHT;
  const ticks = Array.from({ length: 6 }, (_, i) => from + (span * i) / 5);
  const tickFormat = span > 3 * 86_400_000 ? day : dayTime;
  const visibleMarkers = markers.filter((m) => m.time >= from && m.time <= to);

  return (
    <svg class="timeline" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby="timeline-title">
      <title id="timeline-title">{title}</title>
      {lanes.map((lane, i) => {
        const top = lanesTop + i * LANE_HEIGHT;
        return (
          <g key={lane.label} class={`lane lane-${lane.kind}`}>
            <text x={0} y={top + LANE_HEIGHT / 2 + 4} class="lane-label">
              {lane.label}
            </text>
            <rect
              x={LEFT}
              y={top + 4}
              width={WIDTH - LEFT - RIGHT}
              height={LANE_HEIGHT - 8}
              class="lane-bg"
            />
            {lane.segments
              .filter((s) => s.end >= from && s.start <= to)
              .map((segment) => (
                <rect
                  key={`${segment.start}-${segment.value}`}
                  class={`segment ${lane.kind}-${segment.value.toLowerCase()}`}
                  data-value={segment.value}
                  x={x(segment.start)}
                  y={top + 4}
                  width={Math.max(2, x(segment.end) - x(segment.start))}
                  height={LANE_HEIGHT - 8}
                >
                  <title>{`${lane.label} ${segment.value} from ${utc(segment.start)} to ${utc(segment.end)}`}</title>
                </rect>
              ))}
          </g>
        );
      })}
      {series.map((s, i) => {
        const top = seriesTop + i * SERIES_HEIGHT;
        const values = s.points.map(([, v]) => v);
        const [min, max] = [Math.min(...values), Math.max(...values)];
        const y = (v: number) =>
          top + SERIES_HEIGHT - 6 - ((v - min) / Math.max(1e-9, max - min)) * (SERIES_HEIGHT - 12);
        return (
          <g key={s.label} class="series">
            <text x={0} y={top + SERIES_HEIGHT / 2} class="lane-label">{`${s.label} (${s.unit})`}</text>
            <polyline points={s.points.map(([t, v]) => `${x(t)},${y(v)}`).join(' ')} />
          </g>
        );
      })}
      {visibleMarkers.map((marker) => (
        <g key={`${marker.time}-${marker.label}`} class="marker">
          <line x1={x(marker.time)} x2={x(marker.time)} y1={MARKER_HEIGHT - 4} y2={axisTop} />
          <path
            d={`M${x(marker.time) - 5},2 L${x(marker.time) + 5},2 L${x(marker.time)},${MARKER_HEIGHT - 4} Z`}
          >
            <title>{`${marker.label} at ${utc(marker.time)}`}</title>
          </path>
        </g>
      ))}
      <g class="axis">
        {ticks.map((tick, i) => (
          <text
            key={tick}
            x={x(tick)}
            y={axisTop + 18}
            text-anchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
          >
            {tickFormat.format(new Date(tick))}
          </text>
        ))}
      </g>
    </svg>
  );
}
