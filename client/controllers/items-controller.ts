/**
 * Follows a meeting's agenda and notes and keeps what the shared parser (GUIDE 1.6) reads out of
 * them: the action items, each with a Yjs anchor on its checkbox, and the decisions. Re-parsed
 * when the page's DerivedSchedule runs (with the preview, so a preview checkbox's line is that of
 * an item parsed from the same text); ticking goes through the anchor, so it lands on the item
 * the person saw even when others typed above it since.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type * as Y from 'yjs';
import { agendaOf, notesOf, type SectionName } from '../../shared/doc-schema.js';
import { parseMeeting, type ParsedActionItem, type ParsedDecision } from '../../shared/meeting-parser.js';
import type { DerivedSchedule } from '../lib/derived-schedule.js';
import { anchorsAt, resolveAnchor, setCheckbox, undoubleCheckbox, writtenAt } from '../lib/text-anchors.js';

/**
 * An action item and the anchor of its checkbox, taken when the text was parsed. The anchor is on
 * the `[`, not on the state character: ticking replaces that character, so an anchor on it would
 * lose its place whenever someone else ticked the item first.
 */
export interface AnchoredItem extends ParsedActionItem {
  anchor: Y.RelativePosition;
}

// The ticks this page made that a concurrent tick of the same item could still double.
const MAX_WATCHED_TICKS = 50;

const textOf = (doc: Y.Doc, section: SectionName): Y.Text => (section === 'agenda' ? agendaOf(doc) : notesOf(doc));

/** The parsed items of the Y.Doc that `source` returns. */
export class ItemsController implements ReactiveController {
  actionItems: AnchoredItem[] = [];
  decisions: ParsedDecision[] = [];
  private doc: Y.Doc | null = null;
  private removeTask: (() => void) | null = null;
  private written: { section: SectionName; anchor: Y.RelativePosition }[] = [];
  private remoteChange = false;

  /** `schedule`: the page's, shared with the preview (known when the host connects). */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => Y.Doc | null | undefined,
    private readonly schedule: () => DerivedSchedule,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.removeTask = this.schedule().add(this.onSchedule);
    this.follow(this.source() ?? null);
  }

  hostUpdate(): void {
    const doc = this.source() ?? null;
    if (doc !== this.doc) this.follow(doc);
  }

  hostDisconnected(): void {
    this.removeTask?.();
    this.follow(null);
  }

  /** The action item whose list item starts on 1-based `line` of `section`, if any. */
  itemAt(section: SectionName, line: number): AnchoredItem | undefined {
    return this.actionItems.find((item) => item.section === section && item.line === line);
  }

  /**
   * Ticks (`done`) or unticks the item `id`, as the person saw it at the last parse, with one
   * one-character edit (nothing if it already is in that state). False, and no edit, when that
   * item's checkbox is no longer there (its line was rewritten or removed meanwhile): another
   * item is never ticked in its place.
   */
  setDone(id: string, done: boolean): boolean {
    const doc = this.doc;
    const item = this.actionItems.find((candidate) => candidate.id === id);
    if (!doc || !item) return false;
    const ytext = textOf(doc, item.section);
    const index = resolveAnchor(item.anchor, ytext);
    const result = index === null ? 'moved' : setCheckbox(ytext, index, done);
    if (result === 'toggled' && index !== null) {
      this.written = [...this.written, { section: item.section, anchor: writtenAt(ytext, index + 1) }].slice(-MAX_WATCHED_TICKS);
    }
    return result !== 'moved';
  }

  private follow(doc: Y.Doc | null): void {
    if (this.doc && !this.doc.isDestroyed) {
      agendaOf(this.doc).unobserve(this.onChange);
      notesOf(this.doc).unobserve(this.onChange);
    }
    this.doc = doc;
    this.written = [];
    if (doc) {
      agendaOf(doc).observe(this.onChange);
      notesOf(doc).observe(this.onChange);
    }
    this.parse();
  }

  private parse(): void {
    const doc = this.doc;
    if (!doc || doc.isDestroyed) {
      this.actionItems = [];
      this.decisions = [];
      return;
    }
    const agenda = agendaOf(doc);
    const notes = notesOf(doc);
    const parsed = parseMeeting({ agenda: agenda.toString(), notes: notes.toString() });
    const anchored = (section: SectionName, ytext: Y.Text): AnchoredItem[] => {
      const items = parsed.actionItems.filter((item) => item.section === section);
      // Items come in text order, so their offsets are ascending as anchorsAt needs.
      const anchors = anchorsAt(ytext, items.map((item) => item.checkOffset - 1));
      return items.map((item, i) => ({ ...item, anchor: anchors[i] }));
    };
    this.actionItems = [...anchored('agenda', agenda), ...anchored('notes', notes)];
    this.decisions = parsed.decisions;
  }

  // Someone else's tick of an item this page ticked may have arrived at the same time: see undoubleCheckbox.
  private undouble(): void {
    const doc = this.doc;
    if (!doc || doc.isDestroyed) return;
    this.written = this.written.filter(({ section, anchor }) => undoubleCheckbox(textOf(doc, section), anchor) === 'watch');
  }

  private readonly onChange = (_event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (!transaction.local) this.remoteChange = true;
    this.schedule().changed();
  };

  // The schedule runs after a change of the agenda or the notes (the page's texts).
  private readonly onSchedule = (): void => {
    if (this.remoteChange && this.written.length > 0) this.undouble();
    this.remoteChange = false;
    this.parse();
    this.host.requestUpdate();
  };
}
