/**
 * The series side of a meeting page: whether the meeting belongs to a series, its neighbours
 * there, the series keys this browser knows, and the two actions ("Make this a series", "Start
 * next meeting"). Re-read when the page comes back into view, since others start meetings too.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Cadence, CreatedSeriesMeeting, MeetingSeriesLinks } from '../../shared/api-types.js';
import { ApiError, getMeeting } from '../lib/api.js';
import { bestKey, findMyMeeting, rememberMeeting } from '../lib/my-meetings.js';
import { bestSeriesKey, findMySeries, rememberSeries, type MySeries } from '../lib/my-series.js';
import { getSeries, makeSeries, startNextMeeting } from '../lib/series-api.js';

/** Series facts of the meeting `meetingId`, opened with `key`. */
export class SeriesController implements ReactiveController {
  /** The series and neighbours, null for a standalone meeting, undefined until known. */
  links: MeetingSeriesLinks | null | undefined = undefined;
  /** What this browser knows of the series (its keys), if anything. */
  series: MySeries | undefined;
  busy = false;
  error = '';
  private active = false;
  private probed = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly meetingId: string,
    private readonly key: string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.active = true;
    document.addEventListener('visibilitychange', this.onVisible);
    window.addEventListener('online', this.onVisible);
    void this.refresh();
  }

  hostDisconnected(): void {
    this.active = false;
    document.removeEventListener('visibilitychange', this.onVisible);
    window.removeEventListener('online', this.onVisible);
  }

  /** The series edit key, if this browser has it (needed to start the next meeting). */
  get editKey(): string | undefined {
    return this.series?.editKey;
  }

  /** A key that opens the meeting `id`: its own remembered one, else a series key. */
  keyFor(id: string): string | undefined {
    if (id === this.meetingId) return this.key;
    const mine = findMyMeeting(id);
    return (mine && bestKey(mine)) ?? (this.series && bestSeriesKey(this.series));
  }

  /** Reads the meeting's series links (and learns whether the page's key is a series key). */
  async refresh(): Promise<void> {
    try {
      const info = await getMeeting(this.meetingId, this.key);
      if (!this.active) return;
      this.links = info.series ?? null;
      this.error = '';
      const links = this.links;
      if (links) {
        const ids = [links.previous, this.meetingId, links.next].filter((id): id is string => id !== null);
        this.series = rememberSeries({ id: links.id, title: links.title, meetingIds: ids });
        if (!bestSeriesKey(this.series) && !this.probed) await this.probeSeriesKey(links.id);
      }
    } catch {
      // Offline or refused: the meeting controller says so; the links wait for the next refresh.
    }
    this.host.requestUpdate();
  }

  /** Turns this meeting into the first meeting of a new series (needs the meeting's edit key). */
  async makeSeries(title: string, cadence: Cadence): Promise<boolean> {
    return this.run(async () => {
      const created = await makeSeries(this.meetingId, this.key, { title, cadence });
      this.series = rememberSeries({ id: created.id, title: created.title, editKey: created.editKey, viewKey: created.viewKey, meetingIds: [this.meetingId] });
      await this.refresh();
    });
  }

  /** Starts the next meeting of the series; its keys are remembered. Null on failure (see `error`). */
  async startNext(): Promise<CreatedSeriesMeeting | null> {
    const seriesId = this.links?.id;
    const key = this.editKey;
    if (!seriesId || !key) return null;
    let created: CreatedSeriesMeeting | null = null;
    await this.run(async () => {
      created = await startNextMeeting(seriesId, key);
      rememberMeeting({ id: created.id, title: created.title, editKey: created.editKey, viewKey: created.viewKey });
      this.series = rememberSeries({ id: seriesId, meetingIds: [created.id] });
    });
    return created;
  }

  private async run(action: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = '';
    this.host.requestUpdate();
    try {
      await action();
      return true;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The server cannot be reached: try again when you are online.';
      return false;
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  // A team shares the series link: the key that opened this page may be the series' own.
  private async probeSeriesKey(seriesId: string): Promise<void> {
    this.probed = true;
    try {
      const info = await getSeries(seriesId, this.key);
      this.series = rememberSeries({
        id: seriesId,
        title: info.title,
        [info.role === 'edit' ? 'editKey' : 'viewKey']: this.key,
        meetingIds: info.meetings.map((m) => m.id).reverse(),
      });
    } catch {
      // A meeting's own key does not open its series (GUIDE 1.7): the series stays keyless here.
      this.series = findMySeries(seriesId);
    }
  }

  private readonly onVisible = (): void => {
    if (document.visibilityState === 'visible' && navigator.onLine) void this.refresh();
  };
}
