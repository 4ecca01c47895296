package io.fnlab.sim.verify;

/** ERROR: the ruleset does not do what it is for. WARNING: suspicious, may bite. INFO: for people. */
public enum Severity { ERROR, WARNING, INFO }
