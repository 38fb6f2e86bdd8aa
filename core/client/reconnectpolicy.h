// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Exponential backoff for auto-reconnect: 1 s, 2 s, 4 s, ... capped at maxDelayMs. Pure and deterministic
// (no jitter by default) so the UI can say "reconnecting in 4 s" and tests can check the sequence.

#include <QtGlobal>

namespace wb::client {

struct ReconnectPolicy
{
    int initialDelayMs = 1000;
    double factor = 2.0;
    int maxDelayMs = 30000;
    int maxAttempts = 0; ///< 0: retry forever

    /// Delay before reconnect attempt \a attempt (1-based); -1 when attempts are exhausted.
    int delayForAttempt(int attempt) const;
};

} // namespace wb::client
