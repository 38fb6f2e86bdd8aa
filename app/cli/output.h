// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The output contract of wampscope-cli (README "Command line"): results and events are JSON lines on stdout,
// human diagnostics on stderr, documented exit codes. Every command writes through these helpers only.

#include "wamp/value.h"

#include <QString>

namespace wb::session {
struct WampError;
}

namespace wb::cli {

enum ExitCode { ExitOk = 0, ExitWampError = 1, ExitUsage = 2, ExitConnection = 3, ExitTimeout = 4 };

inline QString s(const char *t) { return QString::fromUtf8(t); }

/// One line on stdout (flushed at once: scripts read it while the command still runs).
void out(const QString &line);
/// One line on stderr.
void err(const QString &line);
/// A value as one JSON line through the real JSON serializer (bytes use the WAMP "\u0000"+base64 convention).
QString jsonLine(const wamp::Value &v);
/// An ARG or VALUE is parsed as JSON when it is valid JSON, otherwise taken as a string.
wamp::Value parseArg(const QString &text);
/// A WAMP error: {"error":URI,"args":[...],"kwargs":{...}} on stdout and "error: ..." on stderr.
void printError(const session::WampError &e);

} // namespace wb::cli
