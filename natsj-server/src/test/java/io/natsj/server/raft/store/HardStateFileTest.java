package io.natsj.server.raft.store;

import io.natsj.server.store.io.FaultyFileIO;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class HardStateFileTest {

    private static final Path DIR = Path.of("/groups/S-1");
    private static final Path FILE = DIR.resolve(HardStateFile.NAME);

    private FaultyFileIO io = new FaultyFileIO();

    private HardStateFile.State reload() throws IOException {
        try (HardStateFile f = HardStateFile.open(io, DIR)) {
            return f.load();
        }
    }

    private void save(long term, String vote) throws IOException {
        try (HardStateFile f = HardStateFile.open(io, DIR)) {
            f.load();
            f.save(term, vote, term, 0);
        }
    }

    private void flip(int offset) {
        byte[] b = io.bytes(FILE);
        b[offset] ^= 0x04;
        io.setBytes(FILE, b);
    }

    @Test
    void aNewGroupStartsAtTermZeroWithoutAVote() throws IOException {
        assertThat(reload()).isEqualTo(new HardStateFile.State(0, null, 0, 0, false));
    }

    @Test
    void theLastSavedTermAndVoteSurviveACrash() throws IOException {
        save(3, "S2");
        save(4, null);
        try (HardStateFile f = HardStateFile.open(io, DIR)) {
            f.load();
            f.save(7, "peer-ü", 12, 1);
        }
        io = io.crash();
        assertThat(reload()).isEqualTo(new HardStateFile.State(7, "peer-ü", 12, 1, false));
    }

    @Test
    void oneDamagedCopyLeavesTheOther() throws IOException {
        save(5, "S3");
        flip(14); // slot A's term
        assertThat(reload()).isEqualTo(new HardStateFile.State(5, "S3", 5, 0, false));
        save(6, "S1");
        flip(HardStateFile.SLOT_SIZE + 20); // slot B
        assertThat(reload()).isEqualTo(new HardStateFile.State(6, "S1", 6, 0, false));
    }

    @Test
    void bothCopiesDamagedIsReportedLost() throws IOException {
        save(5, "S3");
        flip(14);
        flip(HardStateFile.SLOT_SIZE + 14);
        assertThat(reload().lost()).isTrue();
    }

    @Test
    void aTornVeryFirstSaveWasNeverActedOnAndIsNotALoss() throws IOException {
        try (HardStateFile f = HardStateFile.open(io, DIR)) {
            f.load();
            f.save(1, "S1", 0, 0);
        }
        io.setBytes(FILE, java.util.Arrays.copyOf(io.bytes(FILE), 10)); // the first write cut short
        assertThat(reload()).isEqualTo(new HardStateFile.State(0, null, 0, 0, false));
    }

    @Test
    void aCrashBetweenTheTwoCopiesKeepsTheNewerOne() throws IOException {
        save(2, "S2");
        byte[] old = io.bytes(FILE);
        save(3, "S3");
        byte[] newer = io.bytes(FILE);
        byte[] mixed = old.clone();
        System.arraycopy(newer, 0, mixed, 0, HardStateFile.SLOT_SIZE); // A written, B not yet
        io.setBytes(FILE, mixed);
        assertThat(reload()).isEqualTo(new HardStateFile.State(3, "S3", 3, 0, false));
    }
}
