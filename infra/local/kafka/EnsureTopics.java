import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the platform's topics when they are missing and readies the group coordinator, in one JVM (run as a single-file source program:
 * `java -cp 'libs/*' EnsureTopics.java BOOTSTRAP PARTITIONS TOPIC...`). Existing topics are left as they are.
 */
public final class EnsureTopics {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: EnsureTopics BOOTSTRAP PARTITIONS TOPIC...");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    int partitions = Integer.parseInt(args[1]);

    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (int i = 2; i < args.length; i++) {
        if (!existing.contains(args[i])) missing.add(new NewTopic(args[i], partitions, (short) 1));
      }
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> created :
          admin.createTopics(missing).values().entrySet()) {
        try {
          created.getValue().get();
          System.out.println("created topic " + created.getKey() + " (" + partitions + " partitions)");
        } catch (ExecutionException e) {
          // Another engineer's up.sh may have created it between our list and create.
          if (!(e.getCause() instanceof TopicExistsException)) throw e;
        }
      }
      // Asking for a group's offsets makes the broker create __consumer_offsets and load its group
      // coordinator now, rather than during the first test's consumer join.
      admin.listConsumerGroupOffsets("payments-mlops-infra-warmup").partitionsToOffsetAndMetadata().get();
    }
  }
}
