package routes.stream;

import io.vertx.core.http.HttpServerResponse;

/** A server-sent event stream: {@code id:} (seq), {@code event:} (type), {@code data:} (the JSON), a blank line. */
final class EventStreamSink implements StreamSink {

    private final HttpServerResponse response;
    private volatile boolean gone;

    EventStreamSink(HttpServerResponse response, int bufferBytes) {
        this.response = response;
        response.setWriteQueueMaxSize(bufferBytes);
        response.closeHandler(v -> gone = true);
    }

    @Override
    public void write(StreamEvent event) {
        response.write("id: " + event.seq() + "\nevent: " + event.type() + "\ndata: " + event.payload() + "\n\n");
    }

    @Override
    public boolean full() {
        return response.writeQueueFull();
    }

    @Override
    public void close(String reason, boolean goingAway) {
        if (!gone && !response.ended()) {
            response.end(": " + reason.replace('\n', ' ') + "\n\n");
        }
    }

    @Override
    public void finish(String reason) {
        close(reason, false);
    }

    @Override
    public boolean alive() {
        if (gone || response.ended()) {
            return false;
        }
        response.write(": keep-alive\n\n");
        return true;
    }
}
