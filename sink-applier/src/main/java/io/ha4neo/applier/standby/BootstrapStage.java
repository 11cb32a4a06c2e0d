package io.ha4neo.applier.standby;

import io.ha4neo.schemas.contract.WatermarkNode;
import java.util.Objects;

/**
 * Where a standby being seeded ({@code ha4neo bootstrap}, docs/bootstrap.md) is in its run, as its watermark says
 * ({@link WatermarkNode#BOOTSTRAP_RUN}, {@link WatermarkNode#BOOTSTRAP_STAGE}). A standby that follows the log has
 * none. Written in the same standby transaction as the data, so a kill -9 anywhere leaves one stage or the next.
 *
 * @param run the run's id ({@code BootstrapMark.run})
 * @param stage how far the run is applied
 */
public record BootstrapStage(String run, Stage stage) {
    /** The two stages of a run on the standby. */
    public enum Stage {
        /**
         * Prepared ({@code ha4neo.bootstrap.prepare}): everything in the log is passed over until the run's begin,
         * which empties the standby and moves it to {@link #SEEDING}.
         */
        AWAITING_BEGIN(WatermarkNode.STAGE_AWAITING_BEGIN),
        /** The begin is applied: images are upserts, changes to entities not held yet are passed over. */
        SEEDING(WatermarkNode.STAGE_SEEDING);

        private final String property;

        Stage(String property) {
            this.property = property;
        }

        /** The value of the watermark's {@link WatermarkNode#BOOTSTRAP_STAGE}. */
        public String property() {
            return property;
        }

        /** The stage a watermark property names; a value the applier does not know is an error naming it. */
        public static Stage of(String property) {
            for (Stage s : values()) {
                if (s.property.equals(property)) {
                    return s;
                }
            }
            throw new IllegalStateException("watermark property " + WatermarkNode.BOOTSTRAP_STAGE + " is '" + property
                    + "', not " + WatermarkNode.STAGE_AWAITING_BEGIN + " or " + WatermarkNode.STAGE_SEEDING + "; the "
                    + "watermark node was modified by hand. Prepare the bootstrap run again and restart.");
        }
    }

    public BootstrapStage {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(stage, "stage");
    }

    public static BootstrapStage awaitingBegin(String run) {
        return new BootstrapStage(run, Stage.AWAITING_BEGIN);
    }

    public static BootstrapStage seeding(String run) {
        return new BootstrapStage(run, Stage.SEEDING);
    }

    public boolean isAwaitingBegin() {
        return stage == Stage.AWAITING_BEGIN;
    }

    public boolean isSeeding() {
        return stage == Stage.SEEDING;
    }

    @Override
    public String toString() {
        return "bootstrap run " + run + " " + stage.property();
    }
}
