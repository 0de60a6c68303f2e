package io.github.ssmonprem.sync.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.ssmonprem.sync.model.License;
import java.util.List;

/** One page of the licenses route. Unknown fields are ignored. */
public final class LicensePage {
    /** {@code totalRecords}. */
    @JsonProperty("totalRecords")
    public Long totalRecords;
    /** {@code licenses}. */
    @JsonProperty("licenses")
    public List<License> licenses;
    /** {@code status}: SUCCESS or ERROR. */
    @JsonProperty("status")
    public String status;
    /** {@code statusMessage}. */
    @JsonProperty("statusMessage")
    public String statusMessage;
}
