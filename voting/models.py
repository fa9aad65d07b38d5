"""Live votes in a meeting and written ballots (phiếu lấy ý kiến) between meetings.

They build on meetings (the item voted on, who takes part) and on the body's rules
(majority base, tie-break) kept in `people.Body`.
"""
