/** Styles of the meeting page's side panel column (beside `meeting-page-styles.ts`). */
import { css } from 'lit';

/** A third grid column on wide screens; under 800px the panel follows the sections. */
export const meetingSideStyles = css`
  .body.with-side { grid-template-columns: 14rem minmax(0, 1fr) auto; }
  .body.with-side > meeting-side { min-height: 0; }
  @media (max-width: 799px) {
    .body.with-side > meeting-side { margin: 0.75rem 0 0; }
  }
`;
