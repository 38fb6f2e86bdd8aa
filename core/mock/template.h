// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Response templates for mock procedures: JSON text with `{{path}}` placeholders over the call, where the
// root is {"args": [...], "kwargs": {...}, "details": {...}} (paths as in inspect/fieldpath.h).
//   - a placeholder that is a whole JSON string ("{{args[0]}}") becomes the value itself, keeping its type;
//   - inside a longer string ("hello {{kwargs.name}}") it is inserted as text (strings unquoted);
//   - outside strings ({{args}}) it is inserted as JSON.
// The rendered text must then parse as JSON; errors name the placeholder or the line/column.

#include "wamp/result.h"
#include "wamp/value.h"

namespace wb::mock {

/// Render \a tmpl against the call and parse it.
Result<wamp::Value> renderTemplate(const QString &tmpl, const wamp::List &args, const wamp::Dict &kwargs,
                                   const wamp::Dict &details = {});
/// Render only (no JSON parse), for previews and tests.
Result<QString> renderTemplateText(const QString &tmpl, const wamp::Value &root);

} // namespace wb::mock
