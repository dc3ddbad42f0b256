package com.example.rpc.dto;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;

/**
 * A benign RPC data-transfer object: only plain JDK value classes inside.
 * It is what deserwall's java-rpc policy (JEP 290 filter admitting
 * com.example.rpc.dto.* and a few JDK classes) lets through.
 */
public class InvokeRequest implements Serializable {
    private static final long serialVersionUID = 1L;

    public String method;
    public Integer id;
    public int priority;
    public ArrayList<String> args = new ArrayList<>();
    public HashMap<String, String> meta = new HashMap<>();
    public Date sent;

    @Override
    public String toString() {
        return "InvokeRequest{method=" + method + ", id=" + id + ", priority=" + priority + ", args=" + args + ", meta=" + meta + "}";
    }
}
