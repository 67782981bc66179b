package io.envkeeper;

import io.envkeeper.ops.NonDumpableProcess;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Envkeeper: manages developer environments (workspace, watcher, workers) on one host. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EnvkeeperApplication {

  public static void main(String[] args) {
    // Before anything reads a secret: workers run as this user and must not read our memory.
    NonDumpableProcess.apply();
    SpringApplication.run(EnvkeeperApplication.class, args);
  }
}
