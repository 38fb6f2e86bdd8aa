// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace wb::transport {

/// When bytes were read from or written to a socket, as capture records it.
///
/// monoUs comes from the steady clock (never jumps, comparable across threads); wallUs is the wall-clock time
/// it corresponds to, derived from one process-wide epoch base taken on first use, so wall times keep the order
/// of the monotonic ones even when the system clock is adjusted during a recording.
struct Timestamp
{
    qint64 wallUs = 0; ///< microseconds since the Unix epoch
    qint64 monoUs = 0; ///< microseconds of the steady clock (arbitrary origin)

    bool isValid() const { return monoUs != 0; }
    /// Thread-safe: the base is a function-local static (initialised once, C++11 guarantees the locking).
    static Timestamp now();
    /// The wall-clock time of a monotonic time taken by now() in this process.
    static qint64 wallFromMono(qint64 monoUs);

    friend bool operator==(const Timestamp &a, const Timestamp &b) { return a.monoUs == b.monoUs && a.wallUs == b.wallUs; }
};

} // namespace wb::transport
