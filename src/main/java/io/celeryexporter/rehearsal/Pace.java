package io.celeryexporter.rehearsal;

/** How a rehearsal's time passes: at once (a simulation), or in step with the wall clock (a live rehearsal). */
public interface Pace {

    /** A simulation: no waiting, never stopped. */
    Pace INSTANT = new Pace() {
        @Override
        public void waitUntil(double seconds) {
        }

        @Override
        public boolean stopped() {
            return false;
        }
    };

    /** Returns when the rehearsal's clock may show {@code seconds}. */
    void waitUntil(double seconds);

    /** The rehearsal was asked to stop early (Ctrl-C): it ends with the summary so far. */
    boolean stopped();
}
