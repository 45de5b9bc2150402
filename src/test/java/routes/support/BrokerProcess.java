package routes.support;

import java.util.Map;

import routes.messaging.EmbeddedBroker;

/**
 * An Artemis broker as a process of its own, for the tests (the fault suite, broker outages): the same {@code artemis/broker.xml} the service
 * embeds, with its journal in a directory given on the command line, so that a killed broker started again on the
 * same directory has every durable message and subscription it had. Runs until it is killed.
 */
public final class BrokerProcess {

    private BrokerProcess() {
    }

    /** Arguments: journal directory, port. */
    public static void main(String[] args) throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker("artemis/broker.xml", Map.of(
                "cortex.broker.data-dir", args[0],
                "cortex.broker.host", "127.0.0.1",
                "cortex.broker.port", args[1],
                "cortex.jobs.queue", "cortex.ingest.jobs",
                "cortex.jobs.dead-letter-queue", "cortex.ingest.jobs.dlq",
                "cortex.broker.max-delivery-attempts", "10",
                "cortex.broker.redelivery-delay-ms", "200",
                "cortex.broker.max-redelivery-delay-ms", "2000"));
        broker.start();
        System.out.println("broker started on " + args[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop));
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
