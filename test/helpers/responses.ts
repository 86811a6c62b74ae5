/**
 * Responses in tests: every body is read or cancelled, since an unread streamed body keeps its
 * connection busy and once stalled a later request (test/ops/fetch-bodies.test.ts keeps it so).
 */

/** The status of a response, with its body cancelled. */
export const statusOf = async (response: Response | Promise<Response>): Promise<number> => {
  const answered = await response;
  await answered.body?.cancel();
  return answered.status;
};
