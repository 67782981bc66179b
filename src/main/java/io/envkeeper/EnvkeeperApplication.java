package io.envkeeper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Envkeeper: manages developer environments (workspace, watcher, workers) on one host. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EnvkeeperApplication {

  public static void main(String[] args) {
    SpringApplication.run(EnvkeeperApplication.class, args);
  }
}
