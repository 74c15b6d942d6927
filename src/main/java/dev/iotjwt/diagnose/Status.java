package dev.iotjwt.diagnose;

import com.google.gson.annotations.SerializedName;

/** The outcome of one step. Serialised in lower case. */
public enum Status {
    @SerializedName("pass") PASS,
    @SerializedName("warn") WARN,
    @SerializedName("fail") FAIL,
    @SerializedName("skipped") SKIPPED
}
