package routes.stream;

/** Where one client's events are written: a WebSocket or a server-sent event stream. */
interface StreamSink {

    /** Writes one event; never blocks (the transport queues it). */
    void write(StreamEvent event);

    /** True when more than the client's buffer is waiting to be sent: the client is not keeping up. */
    boolean full();

    /**
     * Ends the stream, telling the client why where the transport can; {@code goingAway} when the service stops (the
     * client should simply reconnect), otherwise the client was given up on.
     */
    void close(String reason, boolean goingAway);

    /** Ends the stream because it has said everything (its job is over): a normal end, not a refusal. */
    void finish(String reason);

    /** Called periodically: a keep-alive, and false when the client stopped answering (then it is closed). */
    boolean alive();
}
