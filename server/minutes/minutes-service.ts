/**
 * Builds a meeting's minutes from what is on disk: its document (agenda, notes, run log) and its
 * attendance, read the same way as the export (waiting until no write of the room is pending).
 */
import type * as Y from 'yjs';
import { metaOf, textOf, titleOf } from '../../shared/doc-schema.js';
import { clampTitle } from '../../shared/markdown.js';
import { parseMeeting } from '../../shared/meeting-parser.js';
import { readRun, type MeetingRun } from '../../shared/meeting-run.js';
import type { AttendanceService } from '../attendance/attendance-service.js';
import type { Clock } from '../clock.js';
import type { MeetingService } from '../meetings/meeting-service.js';
import type { MeetingRecord } from '../storage/meeting-record.js';
import { minutesMarkdown } from './minutes-markdown.js';

interface DocFacts {
  title: string | null;
  agenda: string;
  notes: string;
  run: MeetingRun;
}

const factsOf = (doc: Y.Doc): DocFacts => ({ title: titleOf(doc), ...textOf(doc), run: readRun(metaOf(doc)) });

/** What the minutes need. */
export interface MinutesDeps {
  meetings: MeetingService;
  attendance: AttendanceService;
  clock: Clock;
}

/** Produces `GET /api/meetings/:id/minutes.md`. */
export class MinutesService {
  readonly #deps: MinutesDeps;

  constructor(deps: MinutesDeps) {
    this.#deps = deps;
  }

  /** The minutes of a meeting, linking to `link` (its page, no key). */
  async minutesOf(record: MeetingRecord, link: string): Promise<string> {
    const facts = await this.#read(record.id);
    const attendees = await this.#deps.attendance.attendeesOf(record.id);
    return minutesMarkdown({
      // The document's title is newer than the record's (which follows it after a debounce).
      title: clampTitle(facts.title ?? '') || record.title,
      createdAt: record.createdAt,
      link,
      attendees,
      meeting: parseMeeting({ agenda: facts.agenda, notes: facts.notes }),
      run: facts.run,
      now: this.#deps.clock.now(),
    });
  }

  // Durable before visible: like the export, only what is on disk.
  async #read(id: string): Promise<DocFacts> {
    return (await this.#deps.meetings.readDurable(id, factsOf)).value;
  }
}
