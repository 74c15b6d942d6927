package dev.iotjwt.diagnose;

import com.google.gson.annotations.SerializedName;

/** How much a finding matters. Serialised in lower case. */
public enum Severity {
    @SerializedName("error") ERROR,
    @SerializedName("warning") WARNING,
    @SerializedName("info") INFO;

    public String text() {
        return name().toLowerCase();
    }
}
