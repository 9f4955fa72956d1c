"""Key tasks (重点任务) and their supervision. Built by the task-supervision issue."""
