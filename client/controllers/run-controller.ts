/**
 * Running the meeting in the page (GUIDE 1.8): follows the run log in `meta` and the agenda's
 * topics, keeps the server's clock, and makes the moves (start, next, end) and the notes edits
 * ("Take notes", "Insert attendance") as ordinary collaborative edits.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type * as Y from 'yjs';
import { agendaOf, metaOf, notesOf, textOf } from '../../shared/doc-schema.js';
import { parseMeeting, type ParsedMeeting, type ParsedTopic } from '../../shared/meeting-parser.js';
import { endMeeting, isRunKey, nextTopic, readRun, runOf, runTimers, startTopic, type MeetingRun, type RunTimers } from '../../shared/meeting-run.js';
import { attendanceLine, lineInsertion, notesTarget, type Insertion } from '../lib/notes-edits.js';
import type { DerivedSchedule } from '../lib/derived-schedule.js';
import { ServerClock } from '../lib/server-time.js';
import type { SidePanelTab } from '../elements/side-panel.js';
import type { TocCurrent } from '../elements/toc-nav.js';

/** What the controller follows: the meeting's doc and whether its connection is live. */
export interface RunSource {
  doc: Y.Doc;
  connection: string;
}

const EMPTY: ParsedMeeting = { actionItems: [], decisions: [], topics: [], plannedMinutes: null };
const NOT_STARTED: MeetingRun = readRun(new Map());

// The 1-based line of `offset` in `text`.
const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

const parse = (doc: Y.Doc): ParsedMeeting => parseMeeting(textOf(doc));

/** The run of the meeting in `source()`, re-read when `meta`, the agenda or the notes change. */
export class RunController implements ReactiveController {
  /** The server's clock: measured when the connection becomes live, again on every reconnect. */
  readonly clock = new ServerClock();
  run: MeetingRun = NOT_STARTED;
  parsed: ParsedMeeting = EMPTY;
  private doc: Y.Doc | null = null;
  private connection = '';

  /** The topics are re-read when `schedule` (the host's own) runs its tasks: with the preview, on long texts after a pause. */
  constructor(private readonly host: ReactiveControllerHost, private readonly source: () => RunSource | null | undefined, private readonly schedule: DerivedSchedule) {
    host.addController(this);
    schedule.add(this.onSchedule);
  }

  /** The agenda's topics. */
  get topics(): ParsedTopic[] {
    return this.parsed.topics;
  }

  /** The current topic as it is in the agenda now (null: none, or no longer in the agenda). */
  get currentTopic(): ParsedTopic | null {
    return this.timers().current?.topic ?? null;
  }

  /** The 1-based agenda line of the current topic, or null. */
  get nowLine(): number | null {
    return this.currentTopic?.line ?? null;
  }

  /** What the table of contents highlights. */
  tocCurrent(): TocCurrent | null {
    const topic = this.currentTopic;
    if (!topic) return null;
    const agendaHeading = topic.kind === 'heading' ? topic.line - 1 : null;
    return { title: topic.title, line: topic.line, agendaHeading, notesHeading: topic.notesHeading ? topic.notesHeading.line - 1 : null };
  }

  /** The side panel tabs of the running meeting: the topics (with where the meeting is) and attendance. */
  tabs(): SidePanelTab[] {
    const n = this.parsed.topics.length;
    const index = this.run.current ? this.timers().current?.index ?? -1 : -1;
    return [
      { id: 'topics', label: 'Topics', badge: index === -1 ? n : `${index + 1}/${n}` },
      { id: 'attendance', label: 'Attendance' },
    ];
  }

  /** The timers at the server's time now. */
  timers(): RunTimers<ParsedTopic> {
    return runTimers(this.run, this.parsed.topics, this.parsed.plannedMinutes, this.clock.now());
  }

  hostConnected(): void {
    this.follow(this.source()?.doc ?? null);
  }

  hostUpdate(): void {
    const source = this.source();
    if ((source?.doc ?? null) !== this.doc) this.follow(source?.doc ?? null);
    const connection = source?.connection ?? '';
    if (connection !== this.connection) {
      this.connection = connection;
      if (connection === 'live') void this.clock.measure().then(() => this.host.requestUpdate());
    }
  }

  hostDisconnected(): void {
    this.follow(null);
    this.connection = '';
  }

  /** "Next" from the topic the person saw as current (null: start the meeting). */
  async next(fromTopicId: string | null): Promise<void> {
    const doc = await this.ready();
    if (doc) nextTopic(doc, parse(doc).topics, fromTopicId, this.clock.now());
  }

  /** Makes topic `id` the current one. */
  async start(id: string): Promise<void> {
    const doc = await this.ready();
    const topic = doc && parse(doc).topics.find((t) => t.id === id);
    if (doc && topic) startTopic(doc, topic, this.clock.now());
  }

  /** Ends the meeting. */
  async end(): Promise<void> {
    const doc = await this.ready();
    if (doc) endMeeting(doc, this.clock.now());
  }

  /**
   * The 1-based notes line to go to for topic `id`: its notes heading, or (created first, in agenda
   * order, one transaction, when it is missing and `canEdit`) the empty line under the new heading.
   * Null when there is nothing to go to.
   */
  takeNotes(id: string, canEdit: boolean): number | null {
    const doc = this.doc;
    if (!doc) return null;
    const parsed = parse(doc);
    const notes = notesOf(doc).toString();
    const target = notesTarget(notes, parsed.topics, parsed.topics.findIndex((t) => t.id === id));
    if (!target) return null;
    if (target.kind === 'existing') return lineAt(notes, target.offset);
    return canEdit ? this.insert(doc, notes, target) : null;
  }

  /** Adds `Present: …` to the notes at `cursor` (or under the notes heading); returns the 1-based line of it. */
  insertAttendance(names: readonly string[], cursor: number | null): number | null {
    const doc = this.doc;
    if (!doc || names.length === 0) return null;
    const notes = notesOf(doc).toString();
    return this.insert(doc, notes, lineInsertion(notes, attendanceLine(names), cursor));
  }

  private insert(doc: Y.Doc, before: string, { at, text, cursor }: Insertion): number {
    doc.transact(() => notesOf(doc).insert(at, text));
    return lineAt(before.slice(0, at) + text, cursor);
  }

  // The doc to move, once the server's clock is known if it can be (offline: this browser's clock).
  private async ready(): Promise<Y.Doc | null> {
    if (!this.clock.synced && navigator.onLine) await this.clock.measure();
    return this.doc && !this.doc.isDestroyed ? this.doc : null;
  }

  private follow(doc: Y.Doc | null): void {
    if (this.doc && !this.doc.isDestroyed) {
      metaOf(this.doc).unobserve(this.onMeta);
      agendaOf(this.doc).unobserve(this.onText);
      notesOf(this.doc).unobserve(this.onText);
    }
    this.doc = doc;
    if (doc) {
      metaOf(doc).observe(this.onMeta);
      agendaOf(doc).observe(this.onText);
      notesOf(doc).observe(this.onText);
    }
    this.read();
  }

  private read(): void {
    const doc = this.doc && !this.doc.isDestroyed ? this.doc : null;
    this.run = doc ? runOf(doc) : NOT_STARTED;
    this.parsed = doc ? parse(doc) : EMPTY;
  }

  private readonly onMeta = (event: Y.YMapEvent<unknown>): void => {
    if (![...event.keysChanged].some(isRunKey)) return;
    this.run = runOf(this.doc!);
    this.host.requestUpdate();
  };

  // Parsing waits for the schedule: typing fires many changes per frame.
  private readonly onText = (): void => this.schedule.changed();

  // The schedule runs after a change of the agenda or the notes, which the topics may depend on.
  private readonly onSchedule = (): void => {
    if (!this.doc || this.doc.isDestroyed) return;
    this.parsed = parse(this.doc);
    this.host.requestUpdate();
  };
}
