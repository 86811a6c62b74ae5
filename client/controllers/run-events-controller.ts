/**
 * What the page does for the run's buttons, wherever they are (the bar, the Topics and Attendance
 * tabs, the contents): moves, "Take notes", jumps to a topic, "Insert attendance". They arrive as
 * bubbling, composed events on the page element.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SectionName } from '../../shared/doc-schema.js';
import type { MeetingSection } from '../elements/meeting-section.js';
import type { RunMoveDetail } from '../elements/run-panel.js';
import type { RunController } from './run-controller.js';

/** What the page lends the controller. */
export interface RunPageHooks {
  canEdit(): boolean;
  section(name: SectionName): MeetingSection | null;
  /** Shows an editor one can type in (leaves preview-only mode) and waits for the render. */
  showEditor(): Promise<void>;
  closeContents(): void;
}

/** Listens on `host` for run-move, take-notes, topic-jump and insert-attendance while it is connected. */
export class RunEventsController implements ReactiveController {
  private readonly listeners: Record<string, (event: Event) => void> = {
    'run-move': (event) => this.move((event as CustomEvent<RunMoveDetail>).detail),
    'take-notes': (event) => void this.takeNotes((event as CustomEvent<string>).detail),
    'topic-jump': (event) => this.jump((event as CustomEvent<number>).detail),
    'insert-attendance': (event) => this.insertAttendance((event as CustomEvent<string[]>).detail),
  };

  constructor(private readonly host: ReactiveControllerHost & HTMLElement, private readonly run: RunController, private readonly page: RunPageHooks) {
    host.addController(this);
  }

  hostConnected(): void {
    for (const [type, listener] of Object.entries(this.listeners)) this.host.addEventListener(type, listener);
  }

  hostDisconnected(): void {
    for (const [type, listener] of Object.entries(this.listeners)) this.host.removeEventListener(type, listener);
  }

  private move(move: RunMoveDetail): void {
    if (!this.page.canEdit()) return;
    void (move.action === 'next' ? this.run.next(move.from) : move.action === 'start' ? this.run.start(move.id) : this.run.end());
  }

  // To the topic's notes heading (made first if it is missing), in an editor where one can type.
  private async takeNotes(id: string): Promise<void> {
    const canEdit = this.page.canEdit();
    const line = this.run.takeNotes(id, canEdit);
    if (line === null) return;
    if (canEdit) await this.page.showEditor();
    this.page.section('notes')?.revealLine(line);
  }

  private jump(line: number): void {
    this.page.section('agenda')?.revealLine(line);
    this.page.closeContents();
  }

  private insertAttendance(names: string[]): void {
    const notes = this.page.section('notes');
    const line = this.page.canEdit() ? this.run.insertAttendance(names, notes?.cursorOffset() ?? null) : null;
    if (line !== null) notes?.revealLine(line);
  }
}
