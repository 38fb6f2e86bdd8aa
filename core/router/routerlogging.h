// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLoggingCategory>

namespace wb::router {
Q_DECLARE_LOGGING_CATEGORY(lcRouter) // "wb.router"
} // namespace wb::router
