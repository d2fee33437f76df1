package dev.arbiter.inference;

/** What the model wrote for one request, with the server's finish reason and token usage. */
public record Generation(String text, String finishReason, int promptTokens, int completionTokens) {}
