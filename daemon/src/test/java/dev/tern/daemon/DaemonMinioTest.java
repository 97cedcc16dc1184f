package dev.tern.daemon;

import static dev.tern.daemon.TestNodes.deliver;
import static dev.tern.daemon.TestNodes.imap;
import static dev.tern.daemon.TestNodes.lmtp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The daemon's real wiring ({@link Settings#load}, {@link Settings#startNode}, {@code tern account
 * add}, {@code tern check}) on a real MinIO in Docker, configured as docker/compose.yaml configures
 * its nodes: {@code [storage] type = "s3"} in config.toml and the credentials in
 * {@code TERN_STORAGE_*} variables. Two nodes share the bucket: one takes a message over LMTP, the
 * other shows it over IMAP. Runs only where a Docker engine is reachable; skipped elsewhere, like
 * {@code S3ObjectStoreMinioTest}.
 */
@Testcontainers(disabledWithoutDocker = true)
class DaemonMinioTest {

  private static final String BUCKET = "tern";

  @Container
  static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");

  @TempDir Path directory;

  @BeforeAll
  static void createBucket() {
    try (S3Client s3 = S3Client.builder()
        .endpointOverride(URI.create(MINIO.getS3URL()))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(MINIO.getUserName(), MINIO.getPassword())))
        .forcePathStyle(true)
        .build()) {
      s3.createBucket(request -> request.bucket(BUCKET));
    }
  }

  private Cli cli() {
    Cli cli = new Cli(directory);
    Cli.write(cli.config, """
        [storage]
        type = "s3"
        endpoint = "%s"
        bucket = "%s"
        path_style = true
        """.formatted(MINIO.getS3URL(), BUCKET) + Cli.NODE_SECTIONS);
    cli.variables.put("TERN_STORAGE_ACCESS_KEY_ID", MINIO.getUserName());
    cli.variables.put("TERN_STORAGE_SECRET_ACCESS_KEY", MINIO.getPassword());
    cli.variables.put("TERN_USERS_SERVER_SECRET", "a server secret");
    return cli;
  }

  @Test
  void aMessageDeliveredToOneNodeIsReadOnTheOther() throws Exception {
    Cli cli = cli();
    // A pass root: alice's keys go into the bucket, behind her password and the server secret.
    cli.variables.put("TERN_PASSWORD", "hunter2");
    Cli.Run added = cli.run("account", "add", "--login", "alice", "--address", "alice@example.tld");
    assertEquals(0, added.exitCode(), added.toString());
    Cli.Run check = cli.run("check");
    assertEquals(0, check.exitCode(), check.toString());
    assertTrue(check.out().contains("store s3 " + MINIO.getS3URL()), check.toString());

    Settings settings = cli.settings();
    try (Node lmtpNode = settings.startNode(new ReloadableDirectory(settings.usersFile()));
        Node imapNode = settings.startNode(new ReloadableDirectory(settings.usersFile()))) {
      deliver(lmtp(lmtpNode), "Subject: through MinIO\r\n\r\nHello from the other node.\r\n");

      try (RawImap imap = new RawImap(imap(imapNode))) {
        assertEquals("OK", imap.status("LOGIN alice hunter2"));
        List<String> select = imap.command("SELECT INBOX");
        assertTrue(select.contains("* 1 EXISTS"), select.toString());
        List<String> fetch = imap.command("FETCH 1 BODY.PEEK[]");
        assertTrue(fetch.getLast().matches("t\\d+ OK .*"), fetch.toString());
        assertTrue(fetch.contains("Subject: through MinIO"), fetch.toString());
        assertTrue(fetch.contains("Hello from the other node."), fetch.toString());
        assertTrue(fetch.contains("Delivered-To: alice@example.tld"), fetch.toString());
      }
    }
  }
}
