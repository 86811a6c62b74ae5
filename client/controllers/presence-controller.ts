/** Follows an awareness and lists who is in the meeting and where. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Awareness } from 'y-protocols/awareness';
import { normalizeColor } from '../lib/colors.js';

/** One attendee as shown in the list. */
export interface Attendee {
  clientId: number;
  name: string;
  color: string;
  section: 'agenda' | 'notes' | null;
  self: boolean;
}

const sectionOf = (value: unknown): Attendee['section'] => (value === 'agenda' || value === 'notes' ? value : null);

/** Keeps `attendees` in step with the awareness returned by `source` (re-read on every host update). */
export class PresenceController implements ReactiveController {
  attendees: Attendee[] = [];
  private awareness: Awareness | null = null;

  constructor(private readonly host: ReactiveControllerHost, private readonly source: () => Awareness | null | undefined) {
    host.addController(this);
  }

  hostConnected(): void {
    this.follow(this.source() ?? null);
  }

  hostUpdate(): void {
    const awareness = this.source() ?? null;
    if (awareness !== this.awareness) this.follow(awareness);
  }

  hostDisconnected(): void {
    this.follow(null);
  }

  private follow(awareness: Awareness | null): void {
    this.awareness?.off('change', this.onChange);
    this.awareness = awareness;
    awareness?.on('change', this.onChange);
    this.attendees = this.read();
  }

  private read(): Attendee[] {
    const awareness = this.awareness;
    if (!awareness) return [];
    const list: Attendee[] = [];
    awareness.getStates().forEach((state, clientId) => {
      const user = state.user as { name?: unknown; color?: unknown } | undefined;
      if (!user || typeof user.name !== 'string') return;
      const self = clientId === awareness.clientID;
      list.push({ clientId, name: user.name, color: normalizeColor(user.color), section: sectionOf(state.section), self });
    });
    return list.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
  }

  private readonly onChange = (): void => {
    this.attendees = this.read();
    this.host.requestUpdate();
  };
}
