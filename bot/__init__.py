"""jobbot: a Slack chat-ops bot for Flink jobs on Huawei Cloud CS and DLI."""
