/**
 * What can go wrong, in words every part of the service shares and none of them owns: a request refused for the
 * client's mistake ({@link routes.failure.InvalidRequest}, {@link routes.failure.NotFound},
 * {@link routes.failure.Conflict}; the HTTP adapters answer 400, 404 and 409), and a failure that another attempt at
 * a job cannot mend ({@link routes.failure.PermanentFailure}). Imports nothing of the service.
 */
package routes.failure;
