package routes.search;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import routes.failure.PermanentFailure;

/**
 * The one embedding model of the process, and the pool that runs it. Texts of every job wait in one queue per job;
 * each of the pool's {@code threads} takes its share of what waits (at most {@code batchSize} texts), round-robin
 * across the jobs (one from each in turn): a large document does not hold back a small one, every thread has texts
 * to run, and the worker threads that asked stay free to be cancelled or to meet their deadline between batches.
 * <p>
 * A batch is not waited for: langchain4j's in-process models embed one text at a time (no batched inference), so a
 * batch held back to fill only adds latency, and one thread taking every waiting text leaves the others idle (the
 * service then embedded at 0.42 of the raw model's rate on two threads). The model loads in the background at
 * start-up: {@link #ready()} says when.
 */
public final class Embedder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Embedder.class);

    /** Asked between batches: throws to stop waiting (a cancel, a deadline, a shutdown). */
    @FunctionalInterface
    public interface Checkpoint {
        void check();
    }

    private record Work(Object owner, String text, CompletableFuture<float[]> result) {
    }

    private final EmbeddingModels choice;
    private final java.util.function.Function<java.util.concurrent.Executor, EmbeddingModel> loader;
    private final int batchSize;
    private final int threads;
    private final ExecutorService pool;
    private final CompletableFuture<EmbeddingModel> model = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** Texts waiting, by the job (owner) they belong to, in the order the owners came. */
    private final Map<Object, Deque<Work>> waiting = new LinkedHashMap<>();
    private final AtomicLong embedded = new AtomicLong();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean closed;

    public Embedder(EmbeddingModels choice, int threads, int batchSize) {
        this(choice, choice::load, threads, batchSize);
    }

    /** With the model made by {@code loader} (tests: a model that fails as a real one may). */
    Embedder(EmbeddingModels choice, java.util.function.Function<java.util.concurrent.Executor, EmbeddingModel> loader,
            int threads, int batchSize) {
        this.choice = choice;
        this.loader = loader;
        this.batchSize = batchSize;
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cortex-embed-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < threads; i++) {
            pool.execute(this::run);
        }
    }

    public EmbeddingModels model() {
        return choice;
    }

    /** Loads the model on a thread of its own: the service answers while it loads. */
    public void startLoading() {
        Thread loader = new Thread(() -> {
            long started = System.nanoTime();
            try {
                // each text runs on the pool thread that took it: the pool decides what runs when
                model.complete(this.loader.apply(Runnable::run));
                LOG.info("Embedding model {} loaded in {} ms", choice.id(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Embedding model {} did not load: {}", choice.id(), e.toString());
                model.completeExceptionally(e);
            }
        }, "cortex-embed-loader");
        loader.setDaemon(true);
        loader.start();
    }

    /** Whether the model has loaded (vector search and the embed stage wait for it until then). */
    public boolean ready() {
        return model.isDone() && !model.isCompletedExceptionally();
    }

    /** Texts embedded since start, for the metrics. */
    public long embedded() {
        return embedded.get();
    }

    /** Texts waiting for the pool now. */
    public int queued() {
        return queued.get();
    }

    /**
     * The vectors of {@code texts} (unit length; a blank text gets the zero vector: the model refuses blank text),
     * in order. {@code owner} groups the texts of one job for the round-robin. While it waits the caller's
     * {@code checkpoint} is asked; when it throws, the texts not yet embedded are withdrawn and the exception goes
     * on.
     */
    public List<float[]> embed(Object owner, List<String> texts, Checkpoint checkpoint) {
        Submitted submitted = submit(owner, texts);
        return submitted.next(texts.size(), checkpoint);
    }

    /**
     * A job's texts, all handed to the pool at once, their vectors taken in order as they are done: the pool is never
     * idle while the job saves what it has (handing texts over batch by batch left it idle between batches, at 0.55
     * of the raw model's rate).
     */
    public final class Submitted {
        private final Object owner;
        private final List<CompletableFuture<float[]>> results;
        private int taken;

        private Submitted(Object owner, List<CompletableFuture<float[]>> results) {
            this.owner = owner;
            this.results = results;
        }

        /** Whether every vector was taken. */
        public boolean done() {
            return taken == results.size();
        }

        /**
         * The next {@code n} vectors (fewer at the end), waiting for them; the checkpoint is asked before and while it
         * waits. When it throws, or the model fails, the job's texts still waiting are withdrawn.
         */
        public List<float[]> next(int n, Checkpoint checkpoint) {
            List<float[]> vectors = new ArrayList<>(n);
            try {
                checkpoint.check();
                while (vectors.size() < n && taken < results.size()) {
                    vectors.add(await(results.get(taken), checkpoint));
                    taken++;
                }
                return vectors;
            } catch (RuntimeException e) {
                withdraw(owner);
                throw e;
            }
        }

        /** Withdraws the texts still waiting (the job stopped). */
        public void cancel() {
            withdraw(owner);
        }
    }

    /** Hands {@code texts} to the pool under {@code owner}; see {@link Submitted}. */
    public Submitted submit(Object owner, List<String> texts) {
        List<CompletableFuture<float[]>> results = new ArrayList<>(texts.size());
        lock.lock();
        try {
            Deque<Work> mine = waiting.computeIfAbsent(owner, o -> new ArrayDeque<>());
            for (String text : texts) {
                CompletableFuture<float[]> result = new CompletableFuture<>();
                if (text == null || text.isBlank()) {
                    result.complete(new float[choice.dimensions()]);
                } else {
                    mine.add(new Work(owner, text, result));
                    queued.incrementAndGet();
                }
                results.add(result);
            }
            if (mine.isEmpty()) {
                waiting.remove(owner);
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        return new Submitted(owner, results);
    }

    /** The vector of a search query, on the caller's thread (a query is short; it does not wait behind documents). */
    public float[] embedQuery(String query) {
        EmbeddingModel m = loadedModel();
        return m.embed(choice.queryPrefix() + query).content().vector();
    }

    /** A vector, the checkpoint asked each time the wait goes on for 200 ms (a cancel, a deadline, a shutdown). */
    private float[] await(CompletableFuture<float[]> result, Checkpoint checkpoint) {
        while (true) {
            try {
                return result.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                checkpoint.check();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while embedding", e);
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            }
        }
    }

    /** A model error: permanent when the text is what the model refused, transient otherwise. */
    private static RuntimeException failure(Throwable cause) {
        if (cause instanceof IllegalArgumentException) {
            return new PermanentFailure("The embedding model cannot take this document's text: " + cause.getMessage());
        }
        return new IllegalStateException("Embedding failed: " + cause.getMessage(), cause);
    }

    private void withdraw(Object owner) {
        lock.lock();
        try {
            Deque<Work> mine = waiting.remove(owner);
            if (mine != null) {
                queued.addAndGet(-mine.size());
                mine.forEach(w -> w.result().cancel(false));
            }
        } finally {
            lock.unlock();
        }
    }

    private EmbeddingModel loadedModel() {
        try {
            return model.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the embedding model loads", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the embedding model " + choice.id() + " did not load: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A pool thread: batches round-robin across the jobs that wait, until the embedder closes. */
    private void run() {
        while (!closed) {
            List<Work> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                continue;
            }
            EmbeddingModel m;
            try {
                m = loadedModel();
            } catch (RuntimeException e) {
                batch.forEach(w -> w.result().completeExceptionally(e));
                continue;
            }
            try {
                List<TextSegment> segments = batch.stream().map(w -> TextSegment.from(w.text())).toList();
                List<Embedding> out = m.embedAll(segments).content();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(out.get(i).vector());
                }
                embedded.addAndGet(batch.size());
            } catch (RuntimeException | LinkageError e) {
                // a batch holds texts of several jobs: one text the model refuses must fail its own job only
                batch.forEach(w -> embedAlone(m, w));
            }
        }
    }

    private void embedAlone(EmbeddingModel m, Work w) {
        try {
            w.result().complete(m.embed(w.text()).content().vector());
            embedded.incrementAndGet();
        } catch (RuntimeException | LinkageError e) {
            w.result().completeExceptionally(e);
        }
    }

    private List<Work> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (waiting.isEmpty()) {
                if (closed) {
                    return List.of();
                }
                arrived.await(1, TimeUnit.SECONDS);
            }
            // the model runs a batch's texts one after another on this thread: it takes its share of what waits
            int share = Math.max(1, Math.min(batchSize, (queued.get() + threads - 1) / threads));
            List<Work> batch = new ArrayList<>(share);
            takeRoundRobin(batch, share);
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** One text from each waiting job in turn, until the batch holds {@code size} texts or nothing waits. */
    private void takeRoundRobin(List<Work> batch, int size) {
        while (batch.size() < size && !waiting.isEmpty()) {
            Iterator<Map.Entry<Object, Deque<Work>>> owners = waiting.entrySet().iterator();
            while (owners.hasNext() && batch.size() < size) {
                Deque<Work> texts = owners.next().getValue();
                Work next = texts.poll();
                if (next != null && !next.result().isDone()) {
                    batch.add(next);
                    queued.decrementAndGet();
                }
                if (texts.isEmpty()) {
                    owners.remove();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        pool.shutdownNow();
    }
}
