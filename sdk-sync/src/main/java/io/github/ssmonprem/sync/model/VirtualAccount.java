package io.github.ssmonprem.sync.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A virtual account of a smart account.
 *
 * @param name the virtual account's name
 * @param isDefault whether it is the smart account's default virtual account
 */
public record VirtualAccount(@JsonProperty("name") String name, @JsonProperty("isDefault") boolean isDefault) {
}
