// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// SIGINT/SIGTERM -> a callback on the event loop. A signal handler may only write(2): it writes one byte into a
// socket pair whose other end a QSocketNotifier watches, and the callback runs from there (the self-pipe trick).
// Not called "signals.*": that is a Qt macro.

#include <functional>

namespace wb::cli {

/// Run \a onStop (once) on the event loop when SIGINT or SIGTERM arrives. Needs a QCoreApplication.
void installStopHandler(std::function<void()> onStop);

} // namespace wb::cli
