"""How long a phone number order takes: the ``order_delay`` option's default and its bound (a module of its
own: the options declaration reads it at pytest's start, before anything else of the fake is needed)."""

from __future__ import annotations

from datetime import timedelta

# How long an order stays Processing: the AWS CLI's documented create/get-phone-number-order examples show an
# order created at 21:35:21.427 and completed at 21:35:31.926 (10.5 s); reports say orders usually finish
# within about a minute (README, "Assumptions": order timing). Slower orders are the order_delay option.
DEFAULT_ORDER_DELAY = timedelta(seconds=10)
# The longest order_delay: orders usually finish within minutes, international ones in days (DESIGN.md);
# a bound keeps every order's completion time writable however near its end the clock is (clock.END)
MAX_ORDER_DELAY = timedelta(days=30)
