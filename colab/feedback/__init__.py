"""What learners say about each lesson: useful or not, what would make it better, and what felt unsafe."""
