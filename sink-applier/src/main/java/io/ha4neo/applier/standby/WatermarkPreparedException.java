package io.ha4neo.applier.standby;

/**
 * The watermark was rewritten under a running applier by {@code ha4neo.bootstrap.prepare} for a bootstrap run the
 * applier did not expect: not a second applier (a divergence), but an operator starting a seed. The write was rolled
 * back; the applier re-reads the watermark and re-positions from it (from the prepared offset + 1).
 */
public final class WatermarkPreparedException extends RuntimeException {
    private final BootstrapStage prepared;

    public WatermarkPreparedException(BootstrapStage prepared, String message) {
        super(message);
        this.prepared = prepared;
    }

    /** The run (stage awaiting_begin) the watermark was prepared for. */
    public BootstrapStage prepared() {
        return prepared;
    }
}
