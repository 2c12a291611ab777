"""Result publication (结果公示): approved licences of items the catalog marks public."""
