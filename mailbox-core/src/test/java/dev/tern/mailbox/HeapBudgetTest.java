package dev.tern.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

  @Test
  void aReservationThatDoesNotFitTakesNothing() {
    HeapBudget budget = new HeapBudget(100);
    assertTrue(budget.reserve(60));
    assertFalse(budget.reserve(60));
    assertEquals(40, budget.left(), "the refused reservation took nothing");
    assertTrue(budget.reserve(40));
    budget.release(60);
    assertEquals(60, budget.left());
  }
}
